import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { FieldIssue } from './describe.js';
import type { HerdEvent, WireEvent } from './schema.js';
import { eventTime } from './time.js';

export { eventTime, MAX_EVENT_TIME, MIN_EVENT_TIME } from './time.js';

/** Canonical JSON of an event (keys sorted at both levels), whatever order the sender used. */
function stable(event: Omit<HerdEvent, 'id'>): string {
  return canonicalJson(event);
}

/** A stable id from an event's content, so the same event replayed twice dedupes. */
export function contentId(event: Omit<HerdEvent, 'id'>): string {
  return `h-${createHash('sha256').update(stable(event)).digest('hex').slice(0, 32)}`;
}

/** A schema-valid wire event into the canonical form: ts in ms, id present. */
export function normalize(wire: WireEvent, offsetMin = 0): HerdEvent | FieldIssue {
  const ts = eventTime(wire.ts, offsetMin);
  if (typeof ts !== 'number') return ts;
  const { id, productId, userId, sessionId, ...rest } = wire;
  // Exports carry numeric ids (REES46: product_id 44600062); they are ids, not numbers.
  const event: Omit<HerdEvent, 'id'> = {
    ...rest, ts,
    ...(productId === undefined ? {} : { productId: String(productId) }),
    ...(userId === undefined ? {} : { userId: String(userId) }),
    ...(sessionId === undefined ? {} : { sessionId: String(sessionId) }),
  };
  return { id: id === undefined ? contentId(event) : String(id), ...event };
}
