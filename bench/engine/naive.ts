import type { HerdEvent } from '../../src/events/schema.js';

/**
 * The first prototype anyone writes, kept as the baseline of the speed benchmark: a `Map` from
 * product to an array of its event timestamps. Per event: push the timestamp, drop those older
 * than the baseline horizon, count horizon and window by binary search, and compare the window's rate
 * with the horizon's average rate (lift). It does the same job as the surge detector's core
 * (window count vs baseline) without buckets, decay or significance, and is given every
 * benefit: binary search rather than a scan, a 1 h horizon rather than the engine's 6 h half-life.
 */
export class NaiveSurge {
  readonly byKey = new Map<string, number[]>();
  alerts = 0;
  private readonly firing = new Set<string>();

  /**
   * `batchTrim`: trim the horizon in batches with splice (a tuned prototype) instead of
   * shift() per event (the first prototype, where a hot product's array of 10^5 timestamps
   * costs a memmove per event).
   */
  constructor(private readonly windowMs: number, private readonly horizonMs: number,
    private readonly minEvents: number, private readonly minLift: number, private readonly batchTrim: boolean) {}

  ingest(events: readonly HerdEvent[]): void {
    for (const e of events) {
      const key = e.productId;
      if (key === undefined) continue;
      let ts = this.byKey.get(key);
      if (ts === undefined) this.byKey.set(key, (ts = []));
      ts.push(e.ts);
      const horizon = e.ts - this.horizonMs;
      if (!this.batchTrim) while (ts[0]! <= horizon) ts.shift();
      else if (ts[0]! <= horizon - this.windowMs) ts.splice(0, firstAfter(ts, horizon));
      const inHorizon = ts.length - firstAfter(ts, horizon);
      const inWindow = ts.length - firstAfter(ts, e.ts - this.windowMs);
      const expected = (inHorizon * this.windowMs) / this.horizonMs;
      const lift = inWindow / Math.max(expected, 1);
      if (inWindow >= this.minEvents && lift >= this.minLift) {
        if (!this.firing.has(key)) { this.firing.add(key); this.alerts++; }
      } else if (lift < 1.5) this.firing.delete(key);
    }
  }
}

function firstAfter(ts: readonly number[], t: number): number {
  let lo = 0, hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! <= t) lo = mid + 1; else hi = mid;
  }
  return lo;
}
