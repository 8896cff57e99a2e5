import type { HerdEvent } from '../events/schema.js';

export interface TrafficMinute {
  readonly minute: number;
  readonly byType: Record<string, number>;
}

/** Counts per minute of event time by event type. */
export type MinuteCounts = Map<number, Record<string, number>>;

/** Adds events to per-minute counts; returns the minutes it touched. */
export function countMinutes(into: MinuteCounts, events: Iterable<HerdEvent>, touched?: Set<number>): void {
  for (const e of events) {
    const m = Math.floor(e.ts / 60_000) * 60_000;
    let row = into.get(m);
    if (!row) into.set(m, (row = {}));
    row[e.type] = (row[e.type] ?? 0) + (e.count ?? 1);
    touched?.add(m);
  }
}

/** Site traffic per minute of event time by event type, over the `minutes` before the newest event. */
export function trafficPerMinute(events: Iterable<HerdEvent>, minutes: number): TrafficMinute[] {
  const counts: MinuteCounts = new Map();
  countMinutes(counts, events);
  return lastMinutes(counts, minutes);
}

/**
 * The `minutes` before the newest minute with traffic, oldest first, empty minutes as zero.
 * The newest minute is still filling; it is left out so the line does not dip at the end.
 */
export function lastMinutes(counts: ReadonlyMap<number, Record<string, number>>, minutes: number): TrafficMinute[] {
  let newest = Number.NEGATIVE_INFINITY;
  for (const m of counts.keys()) if (m > newest) newest = m;
  if (!Number.isFinite(newest)) return [];
  const last = newest - 60_000;
  const first = last - (minutes - 1) * 60_000;
  // Start at the first minute with traffic, so a fresh start is not a long flat line.
  let oldest = Number.POSITIVE_INFINITY;
  for (const m of counts.keys()) if (m >= first && m < oldest) oldest = m;
  const out: TrafficMinute[] = [];
  for (let m = Math.max(first, oldest); m <= last; m += 60_000) out.push({ minute: m, byType: { ...counts.get(m) } });
  return out;
}
