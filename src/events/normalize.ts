import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { FieldIssue } from './describe.js';
import type { HerdEvent, WireEvent } from './schema.js';

/** Event times outside this range are almost always a unit mistake (seconds, µs) or a typo. */
export const MIN_EVENT_TIME = Date.UTC(2000, 0, 1);
export const MAX_EVENT_TIME = Date.UTC(2100, 0, 1);

/** Canonical JSON of an event (keys sorted at both levels), whatever order the sender used. */
function stable(event: Omit<HerdEvent, 'id'>): string {
  return canonicalJson(event);
}

/** A stable id from an event's content, so the same event replayed twice dedupes. */
export function contentId(event: Omit<HerdEvent, 'id'>): string {
  return `h-${createHash('sha256').update(stable(event)).digest('hex').slice(0, 32)}`;
}

/** Epoch ms of an event time, or a reason why it is not one. */
export function eventTime(ts: string | number): number | FieldIssue {
  const ms = typeof ts === 'number' ? ts : Date.parse(ts);
  const expected = 'an event time between 2000-01-01 and 2100-01-01 (ISO-8601 or epoch milliseconds)';
  if (!Number.isFinite(ms)) return { field: '/ts', expected, message: `expected ${expected}, got ${JSON.stringify(ts)}` };
  if (ms < MIN_EVENT_TIME || ms >= MAX_EVENT_TIME) {
    const hint = typeof ts === 'number' && ts < MIN_EVENT_TIME && ts * 1000 >= MIN_EVENT_TIME ? ' (this looks like seconds; send milliseconds)' : '';
    return { field: '/ts', expected, message: `expected ${expected}, got ${JSON.stringify(ts)}${hint}` };
  }
  return ms;
}

/** A schema-valid wire event into the canonical form: ts in ms, id present. */
export function normalize(wire: WireEvent): HerdEvent | FieldIssue {
  const ts = eventTime(wire.ts);
  if (typeof ts !== 'number') return ts;
  const { id, ...rest } = wire;
  const event: Omit<HerdEvent, 'id'> = { ...rest, ts };
  return { id: id ?? contentId(event), ...event };
}
