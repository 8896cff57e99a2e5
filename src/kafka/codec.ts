import type { IHeaders, Message } from 'kafkajs';
import type { HerdEvent } from '../events/schema.js';
import { EVENT_TYPES } from '../events/schema.js';
import type { Transition, TrendingSnapshot } from '../engine/types.js';
import { BATCH_MAGIC, COUNT_BOUNDS, decodeEventBatch, encodeEventBatch, validCount } from './event-batch.js';

export { encodeEventBatch, ENCODED_FIELDS, eventCount } from './event-batch.js';

/**
 * The wire format of the three topics. Events are HWB1 binary batches (event-batch.ts,
 * docs/kafka-format.md) or, on foreign topics and from older writers, one UTF-8 JSON event
 * per value; alerts and trends are JSON. Events are keyed by productId
 * (so one product's events share a partition and its engine state), alerts by alert id
 * (the firing and the resolved of one alert stay in order and compaction keeps the
 * latest), trend snapshots by rule and source partition (engine state is partition-local).
 */

export function eventKey(e: HerdEvent): string {
  return e.productId ?? e.userId ?? e.id;
}

export function encodeEvent(e: HerdEvent, headers?: IHeaders): Message {
  return { key: eventKey(e), value: JSON.stringify(e), ...(headers ? { headers } : {}) };
}

/**
 * One record holding `events` (HWB1). Keyed by the first event's key: the caller packs
 * only events of one partition into it, so every event lands where its own key would.
 */
export function encodeEventsRecord(events: readonly HerdEvent[], headers?: IHeaders): Message {
  return { key: events.length > 0 ? eventKey(events[0]!) : null, value: encodeEventBatch(events), ...(headers ? { headers } : {}) };
}

export type MalformedReason = 'empty' | 'json' | 'shape' | 'type' | 'timestamp' | 'future' | 'binary';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: MalformedReason; message: string };

const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** Decodes an event message. Checks what the engine relies on; never throws. */
export function decodeEvent(value: Buffer | null): Decoded<HerdEvent> {
  if (!value || value.length === 0) return { ok: false, reason: 'empty', message: 'message has no value' };
  let raw: unknown;
  try {
    raw = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'json', message: (err as Error).message };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'shape', message: 'value is not a JSON object' };
  const e = raw as Record<string, unknown>;
  if (typeof e.id !== 'string' || e.id === '') return { ok: false, reason: 'shape', message: 'id is not a non-empty string' };
  if (typeof e.type !== 'string' || !TYPES.has(e.type)) return { ok: false, reason: 'type', message: `type is not one of ${EVENT_TYPES.join(', ')}` };
  if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) return { ok: false, reason: 'timestamp', message: 'ts is not epoch milliseconds' };
  // A foreign producer's count of 1e300 would swamp the rule's site-wide baseline for good.
  if (e.count !== undefined && !validCount(e.count)) return { ok: false, reason: 'shape', message: `count is not ${COUNT_BOUNDS}` };
  return { ok: true, value: raw as HerdEvent };
}

export type DecodedEvents = { ok: true } | { ok: false; reason: MalformedReason; message: string };
const DECODED: DecodedEvents = Object.freeze({ ok: true });

/**
 * Decodes one message of an events topic, binary batch or JSON event, appending to `out`
 * (all of a record's events or none). Never throws.
 *
 * `notAfter` bounds a JSON event's time (its record's timestamp plus the allowed clock skew):
 * JSON comes from foreign producers, whose one event stamped 2099 would otherwise drag the
 * rule's watermark. HWB1 records come from HerdWatch, which checked each event against its
 * receive time at ingest.
 */
export function decodeEvents(value: Buffer | null, out: HerdEvent[], notAfter = Number.POSITIVE_INFINITY): DecodedEvents {
  if (value && value.length > 0 && value[0] === BATCH_MAGIC) {
    const r = decodeEventBatch(value, out);
    return r.ok ? DECODED : { ok: false, reason: 'binary', message: r.message };
  }
  const d = decodeEvent(value);
  if (!d.ok) return d;
  if (d.value.ts > notAfter) {
    return { ok: false, reason: 'future', message: `ts ${d.value.ts} is ${d.value.ts - notAfter} ms past the record's time plus the allowed skew` };
  }
  out.push(d.value);
  return DECODED;
}

export function encodeTransition(t: Transition, trace?: IHeaders): Message {
  return { key: t.id, value: JSON.stringify(t), headers: { ...trace, state: t.state, rule: t.rule } };
}

export function decodeTransition(value: Buffer | null): Transition | undefined {
  if (!value) return undefined;
  try {
    const t = JSON.parse(value.toString('utf8')) as Transition;
    return typeof t.id === 'string' && (t.state === 'firing' || t.state === 'escalated' || t.state === 'resolved') && typeof t.rule === 'string' ? t : undefined;
  } catch {
    return undefined;
  }
}

/** Trend snapshots from one source partition of the events topic. */
export interface PartitionTrends extends TrendingSnapshot {
  readonly partition: number;
}

export function trendKey(rule: string, partition: number): string {
  return `${rule}#${partition}`;
}

export function encodeTrends(s: PartitionTrends): Message {
  return { key: trendKey(s.rule, s.partition), value: JSON.stringify(s) };
}

export function decodeTrends(value: Buffer | null): PartitionTrends | undefined {
  if (!value) return undefined;
  try {
    const s = JSON.parse(value.toString('utf8')) as PartitionTrends;
    return typeof s.rule === 'string' && Array.isArray(s.entries) ? s : undefined;
  } catch {
    return undefined;
  }
}
