import { TypeCompiler } from '@sinclair/typebox/compiler';
import './formats.js';
import { describeErrors, type FieldIssue } from './describe.js';
import { EventSchema, type WireEvent } from './schema.js';

const checker = TypeCompiler.Compile(EventSchema);

const HINTS = {
  '^[A-Z]{3}$': 'a three-letter ISO-4217 currency code like EUR',
  '^[\\s\\S]{1,64}$': 'an attribute key of 1 to 64 characters',
  '/ts': 'an ISO-8601 date-time with a zone (like 2025-09-30T10:05:00Z) or epoch milliseconds',
};

/** Checks one wire event against the schema; returns every field-level problem. */
export function checkEvent(value: unknown): { ok: true; event: WireEvent } | { ok: false; issues: FieldIssue[] } {
  if (checker.Check(value)) return { ok: true, event: value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, issues: [{ field: '/', expected: 'an event object', message: `expected an event object, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}` }] };
  }
  return { ok: false, issues: describeErrors(checker.Errors(value), HINTS) };
}
