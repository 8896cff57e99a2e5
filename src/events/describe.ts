import type { TSchema } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';

/**
 * Turns TypeBox validation errors into what a user can act on: the field and, in words,
 * what was expected there and what was found. Shared by events and rules so both read alike.
 */
export interface FieldIssue {
  /** JSON pointer of the field, e.g. `/price` or `/detector/window`. */
  readonly field: string;
  /** What was expected, e.g. `number ≥ 0`. */
  readonly expected: string;
  /** `expected number ≥ 0, got "abc"` */
  readonly message: string;
}

/** Words for what a field (by path, e.g. `/ts`) or a string pattern (by the pattern) expects. */
type Hints = Readonly<Record<string, string>>;

interface SchemaLike {
  readonly type?: string;
  readonly anyOf?: readonly SchemaLike[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly maxProperties?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly items?: SchemaLike;
  readonly properties?: Record<string, SchemaLike>;
  readonly enum?: readonly unknown[];
  readonly additionalProperties?: SchemaLike | boolean;
}

const FORMAT_WORDS: Record<string, string> = {
  'date-time': 'an ISO-8601 date-time with a zone, like 2025-09-30T10:05:00Z',
  email: 'an email address',
};

function bounds(s: SchemaLike, unit: string): string {
  const lo = s.minimum ?? s.exclusiveMinimum;
  const loSign = s.exclusiveMinimum !== undefined ? '>' : '≥';
  if (lo !== undefined && s.maximum !== undefined) return ` between ${lo} and ${s.maximum}${unit}`;
  if (lo !== undefined) return ` ${loSign} ${lo}${unit}`;
  if (s.maximum !== undefined) return ` ≤ ${s.maximum}${unit}`;
  return '';
}

function stringWords(s: SchemaLike, hints: Hints): string {
  if (s.pattern !== undefined && hints[s.pattern]) return hints[s.pattern]!;
  if (s.format !== undefined && FORMAT_WORDS[s.format]) return FORMAT_WORDS[s.format]!;
  const len = s.maxLength !== undefined ? ` of at most ${s.maxLength} characters` : '';
  const nonEmpty = (s.minLength ?? 0) > 0 ? 'non-empty ' : '';
  const pat = s.pattern !== undefined ? ` matching ${s.pattern}` : '';
  return `${nonEmpty}string${len}${pat}`;
}

function arrayWords(s: SchemaLike, hints: Hints): string {
  const n = s.maxItems !== undefined ? `${s.minItems ?? 0} to ${s.maxItems} items` : s.minItems ? `at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}` : 'items';
  const of = s.items ? ` of ${expectedOf(s.items, hints)}` : '';
  return `a list of ${n}${of}`;
}

function objectWords(s: SchemaLike, hints: Hints): string {
  if (s.properties) return `an object with fields ${Object.keys(s.properties).join(', ')}`;
  if (typeof s.additionalProperties === 'object') return `a map of names to ${expectedOf(s.additionalProperties, hints)}`;
  return s.maxProperties !== undefined ? `an object of at most ${s.maxProperties} entries` : 'an object';
}

const TYPE_WORDS: Readonly<Record<string, (s: SchemaLike, hints: Hints) => string>> = {
  number: (s) => `number${bounds(s, '')}`,
  integer: (s) => `integer${bounds(s, '')}`,
  boolean: () => 'true or false',
  string: stringWords,
  array: arrayWords,
  object: objectWords,
};

/** What a schema accepts, in words. */
export function expectedOf(schema: TSchema | SchemaLike, hints: Hints = {}): string {
  const s = schema as SchemaLike;
  if (s.anyOf) {
    const consts = s.anyOf.filter((m) => m.const !== undefined).map((m) => String(m.const));
    if (consts.length === s.anyOf.length) return `one of ${consts.join(', ')}`;
    return s.anyOf.map((m) => expectedOf(m, hints)).join(' or ');
  }
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum !== undefined) return `one of ${s.enum.map(String).join(', ')}`;
  const words = s.type === undefined ? undefined : TYPE_WORDS[s.type];
  return words ? words(s, hints) : 'a valid value';
}

/** A short, safe rendering of what the user sent. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function decode(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** One issue per field: the first error TypeBox reports there is the most specific. */
export function describeErrors(errors: Iterable<ValueError>, hints: Hints = {}, prefix = ''): FieldIssue[] {
  const seen = new Set<string>();
  const out: FieldIssue[] = [];
  for (const e of errors) {
    const field = `${prefix}${e.path}` || '/';
    if (seen.has(field)) continue;
    seen.add(field);
    out.push(issueOf(e, field, hints));
  }
  return out;
}

function issueOf(e: ValueError, field: string, hints: Hints): FieldIssue {
  const fieldHint = hints[field];
  if (fieldHint !== undefined && e.type !== ValueErrorType.ObjectAdditionalProperties) {
    return { field, expected: fieldHint, message: e.value === undefined ? `is required: expected ${fieldHint}` : `expected ${fieldHint}, got ${shown(e.value)}` };
  }
  if (e.type === ValueErrorType.ObjectAdditionalProperties) {
    const key = decode(e.path.split('/').pop() ?? '');
    // A free-form map (patternProperties) refuses a key by its shape, not by its name.
    const shape = Object.keys((e.schema as { patternProperties?: Record<string, unknown> }).patternProperties ?? {})[0];
    if (shape !== undefined) return { field, expected: hints[shape] ?? `a key matching ${shape}`, message: `key "${key.slice(0, 80)}${key.length > 80 ? '…' : ''}" (${key.length} characters) is not allowed: expected ${hints[shape] ?? `a key matching ${shape}`}` };
    return { field, expected: 'no such field', message: `unknown field "${key}"` };
  }
  if (e.type === ValueErrorType.ObjectRequiredProperty || (e.value === undefined && e.type !== ValueErrorType.Union)) {
    const expected = expectedOf(e.schema, hints);
    return { field, expected, message: `is required: expected ${expected}` };
  }
  if (e.type === ValueErrorType.ArrayUniqueItems) {
    return { field, expected: 'items without duplicates', message: 'expected items without duplicates' };
  }
  if (e.type === ValueErrorType.ObjectMaxProperties) {
    const expected = expectedOf(e.schema, hints);
    return { field, expected, message: `expected ${expected}, got ${Object.keys(e.value as object).length} entries` };
  }
  const expected = expectedOf(e.schema, hints);
  return { field, expected, message: `expected ${expected}, got ${shown(e.value)}` };
}
