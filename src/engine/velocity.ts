import type { HerdEvent } from '../events/schema.js';
import { formatDuration } from '../config/duration.js';
import type { Detector, DetectorContext } from './detector.js';
import { MAX_EVENT_IDS } from './episodes.js';
import { EventBuffer } from './eventbuffer.js';
import { sortEntries } from './threshold.js';
import { makeTransition } from './transition.js';
import type { TrendingEntry, Transition } from './types.js';

interface Recent { ts: number[]; ids: string[]; counts: number[] }
interface Burst { onset: number; key: string; total: number }

/**
 * velocity: more than `maxEvents` events of one key within `window` (a sliding window on
 * event time, exact to the millisecond). Counts are plain events — type weights do not
 * apply — except that a pre-aggregated event counts as its `count`. Events are judged in
 * (ts, id) order at bucket close. A burst resolves at the first bucket close at which the
 * window ending there holds no more than `maxEvents`; then the key is quiet for `cooldown`.
 */
export class VelocityDetector implements Detector {
  private readonly buffer = new EventBuffer();
  private readonly recent = new Map<number, Recent>();
  private readonly bursts = new Map<number, Burst>();
  private readonly cooldownUntil = new Map<number, number>();
  readonly idleMs: number;

  constructor(private readonly ctx: DetectorContext) {
    const d = ctx.rule.detector;
    this.idleMs = d.windowMs + d.cooldownMs + d.allowedLatenessMs + 2 * d.bucketMs;
  }

  grow(): void {}
  resetKey(slot: number, _bucket: number): void { this.release(slot); }

  add(slot: number, bucket: number, _weight: number, ev: HerdEvent): void { this.buffer.add(bucket, slot, ev); }

  close(bucket: number, out: Transition[]): void {
    const { clock, keys, rule } = this.ctx;
    const d = rule.detector;
    for (const { slot, ev } of this.buffer.take(bucket)) {
      let r = this.recent.get(slot);
      if (r === undefined) this.recent.set(slot, (r = { ts: [], ids: [], counts: [] }));
      r.ts.push(ev.ts); r.ids.push(ev.id); r.counts.push(ev.count ?? 1);
      const total = trim(r, ev.ts - d.windowMs, d.maxEvents);
      if (total <= d.maxEvents || this.bursts.has(slot) || ev.ts < (this.cooldownUntil.get(slot) ?? -Infinity)) continue;
      const key = keys.keyOf(slot);
      const onset = clock.startMs(bucket);
      this.bursts.set(slot, { onset, key, total });
      out.push(makeTransition(rule, {
        state: 'firing', key, onset, at: ev.ts, value: total, baseline: d.maxEvents, lift: total / d.maxEvents, score: 0,
        reason: `${key}: ${total} events within ${formatDuration(d.windowMs)}, more than ${d.maxEvents}`,
        eventIds: r.ids.slice(-MAX_EVENT_IDS),
      }));
    }
    const end = clock.endMs(bucket);
    for (const [slot, burst] of this.bursts) {
      const r = this.recent.get(slot);
      const total = r === undefined ? 0 : trim(r, end - d.windowMs, d.maxEvents);
      if (total > d.maxEvents) continue;
      this.bursts.delete(slot);
      this.cooldownUntil.set(slot, end + d.cooldownMs);
      out.push(makeTransition(rule, {
        state: 'resolved', key: burst.key, onset: burst.onset, at: end, value: total, baseline: d.maxEvents,
        lift: total / d.maxEvents, score: 0,
        reason: `${burst.key}: ${total} events in the last ${formatDuration(d.windowMs)}, no more than ${d.maxEvents} again`,
      }));
    }
  }

  nextBusy(): number { return this.buffer.nextBusy(); }
  quiet(): boolean { return this.bursts.size === 0; }

  canEvict(slot: number): boolean {
    return !this.bursts.has(slot) && (this.cooldownUntil.get(slot) ?? -Infinity) <= this.ctx.clock.watermark;
  }

  release(slot: number): void { this.recent.delete(slot); this.cooldownUntil.delete(slot); }
  sweep(): void {}

  trending(limit: number): TrendingEntry[] {
    const d = this.ctx.rule.detector;
    return sortEntries([...this.bursts.values()].map((b) => ({
      key: b.key, value: b.total, baseline: d.maxEvents, lift: b.total / d.maxEvents, score: 0, firing: true,
    }))).slice(0, limit);
  }

  bytes(): number {
    let n = this.buffer.bytes() + this.bursts.size * 100 + this.cooldownUntil.size * 40;
    for (const r of this.recent.values()) n += 80 + r.ts.length * 40;
    return n;
  }
}

/**
 * Drops events at or before `after` and beyond the newest maxEvents + 1 (enough to tell
 * "more than maxEvents"); returns the count left in the window.
 */
function trim(r: Recent, after: number, maxEvents: number): number {
  let drop = 0;
  while (drop < r.ts.length && r.ts[drop]! <= after) drop++;
  const extra = r.ts.length - drop - (maxEvents + 1);
  if (extra > 0) drop += extra;
  if (drop > 0) { r.ts.splice(0, drop); r.ids.splice(0, drop); r.counts.splice(0, drop); }
  let total = 0;
  for (const c of r.counts) total += c;
  return total;
}
