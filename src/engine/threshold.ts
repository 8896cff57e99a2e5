import type { HerdEvent } from '../events/schema.js';
import type { Detector, DetectorContext } from './detector.js';
import { Episodes } from './episodes.js';
import { EventBuffer } from './eventbuffer.js';
import { numberReader } from './fields.js';
import { fmtExact } from './transition.js';
import type { TrendingEntry, Transition } from './types.js';

/**
 * threshold: an event whose numeric `field` (top level, else attrs; numeric strings count)
 * is strictly above `above` is offending. Offending events open or join an episode of their
 * key (see Episodes); events are judged in (ts, id) order when their bucket closes.
 */
export class ThresholdDetector implements Detector {
  private readonly buffer = new EventBuffer();
  private readonly episodes: Episodes;
  private readonly read: (e: HerdEvent) => number;
  readonly idleMs: number;

  constructor(private readonly ctx: DetectorContext) {
    this.episodes = new Episodes(ctx.rule);
    this.read = numberReader(ctx.rule.detector.field);
    const d = ctx.rule.detector;
    this.idleMs = d.cooldownMs + d.allowedLatenessMs + 2 * d.bucketMs;
  }

  grow(): void {}
  resetKey(): void {}

  add(slot: number, bucket: number, _weight: number, ev: HerdEvent): void {
    const v = this.read(ev);
    if (v > this.ctx.rule.detector.above) this.buffer.add(bucket, slot, ev);
  }

  close(bucket: number, out: Transition[]): void {
    const { clock, keys, rule } = this.ctx;
    const d = rule.detector;
    for (const { slot, ev } of this.buffer.take(bucket)) {
      const v = this.read(ev);
      const key = keys.keyOf(slot);
      const reason = `${key}: ${d.field} ${fmtExact(v)} is above ${fmtExact(d.above)} (event ${ev.id})`;
      this.episodes.offend(slot, key, ev, clock.startMs(bucket), clock.endMs(bucket), v, d.above, reason, out);
    }
    this.episodes.close(clock.endMs(bucket), out);
  }

  nextBusy(): number { return this.buffer.nextBusy(); }
  quiet(): boolean { return this.episodes.size === 0; }
  canEvict(slot: number): boolean { return !this.episodes.isOpen(slot); }
  release(): void {}
  sweep(): void {}
  trending(limit: number): TrendingEntry[] { return sortEntries(this.episodes.entries()).slice(0, limit); }
  bytes(): number { return this.buffer.bytes() + this.episodes.bytes(); }
}

export function sortEntries(entries: TrendingEntry[]): TrendingEntry[] {
  return entries.sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
