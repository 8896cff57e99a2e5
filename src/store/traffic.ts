import type { HerdEvent } from '../events/schema.js';

export interface TrafficMinute {
  readonly minute: number;
  readonly byType: Record<string, number>;
}

/** Site traffic per minute of event time by event type, over the `minutes` before the newest event. */
export function trafficPerMinute(events: Iterable<HerdEvent>, minutes: number): TrafficMinute[] {
  const all: HerdEvent[] = [];
  let newest = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    all.push(e);
    if (e.ts > newest) newest = e.ts;
  }
  if (!Number.isFinite(newest)) return [];
  // The newest minute is still filling; leave it out so the line does not dip at the end.
  const last = Math.floor(newest / 60_000) * 60_000 - 60_000;
  const first = last - (minutes - 1) * 60_000;
  // Start at the first minute with traffic, so a fresh start is not a long flat line.
  let oldest = Number.POSITIVE_INFINITY;
  for (const e of all) if (e.ts >= first && e.ts < oldest) oldest = e.ts;
  const start = Math.max(first, Math.floor(oldest / 60_000) * 60_000);
  const byMinute = new Map<number, Record<string, number>>();
  for (let m = start; m <= last; m += 60_000) byMinute.set(m, {});
  for (const e of all) {
    const m = Math.floor(e.ts / 60_000) * 60_000;
    const row = byMinute.get(m);
    if (row) row[e.type] = (row[e.type] ?? 0) + (e.count ?? 1);
  }
  return [...byMinute].map(([minute, byType]) => ({ minute, byType }));
}
