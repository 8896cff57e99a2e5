import type { HerdEvent } from '../events/schema.js';
import { formatDuration } from '../config/duration.js';
import type { Detector, DetectorContext } from './detector.js';
import { Episodes } from './episodes.js';
import { EventBuffer } from './eventbuffer.js';
import { fieldReader, type FieldReader } from './fields.js';
import { hashString } from './keystore.js';
import { sortEntries } from './threshold.js';
import type { TrendingEntry, Transition } from './types.js';

/** Values remembered per key; the least recently seen is forgotten first. */
export const NOVELTY_VALUES = 8;

/**
 * novelty: a value of `field` that this key has not shown within `memory` is novel, once
 * the key has at least `minHistory` earlier events. Values are remembered as 32-bit hashes
 * with their last-seen time, NOVELTY_VALUES per key, in typed arrays (12 bytes per value).
 * Events are judged in (ts, id) order at bucket close; novel events open or join an
 * episode of their key (see Episodes).
 */
export class NoveltyDetector implements Detector {
  private readonly buffer = new EventBuffer();
  private readonly episodes: Episodes;
  private readonly read: FieldReader;
  private hashes = new Uint32Array(0);
  private seen = new Float64Array(0);
  private history = new Uint32Array(0);
  readonly idleMs: number;

  constructor(private readonly ctx: DetectorContext) {
    this.episodes = new Episodes(ctx.rule);
    this.read = fieldReader(ctx.rule.detector.field);
    const d = ctx.rule.detector;
    this.idleMs = d.memoryMs + d.cooldownMs + d.allowedLatenessMs + 2 * d.bucketMs;
  }

  grow(capacity: number): void {
    const h = new Uint32Array(capacity * NOVELTY_VALUES); h.set(this.hashes); this.hashes = h;
    const s = new Float64Array(capacity * NOVELTY_VALUES); s.set(this.seen); this.seen = s;
    const n = new Uint32Array(capacity); n.set(this.history); this.history = n;
  }

  resetKey(slot: number, _bucket: number): void {
    this.seen.fill(Number.NEGATIVE_INFINITY, slot * NOVELTY_VALUES, (slot + 1) * NOVELTY_VALUES);
    this.history[slot] = 0;
  }

  add(slot: number, bucket: number, _weight: number, ev: HerdEvent): void { this.buffer.add(bucket, slot, ev); }

  close(bucket: number, out: Transition[]): void {
    const { clock, keys, rule } = this.ctx;
    const d = rule.detector;
    for (const { slot, ev } of this.buffer.take(bucket)) {
      const v = this.read(ev);
      const had = this.history[slot]!;
      this.history[slot] = had + 1;
      if (v === undefined) continue;
      const value = String(v);
      if (this.remember(slot, hashString(value), ev.ts) || had < d.minHistory) continue;
      const key = keys.keyOf(slot);
      const reason = `${key}: ${d.field} "${value}" not seen for this key within ${formatDuration(d.memoryMs)} (event ${ev.id})`;
      this.episodes.offend(slot, key, ev, clock.startMs(bucket), clock.endMs(bucket), 1, 0, reason, out);
    }
    this.episodes.close(clock.endMs(bucket), out);
  }

  /** Records value hash `h` seen at `ts`; returns whether it was already known and fresh. */
  private remember(slot: number, h: number, ts: number): boolean {
    const base = slot * NOVELTY_VALUES;
    const fresh = ts - this.ctx.rule.detector.memoryMs;
    let oldest = base;
    for (let i = base; i < base + NOVELTY_VALUES; i++) {
      if (this.hashes[i] === h && this.seen[i]! > fresh) { this.seen[i] = Math.max(this.seen[i]!, ts); return true; }
      if (this.seen[i]! < this.seen[oldest]!) oldest = i;
    }
    this.hashes[oldest] = h;
    this.seen[oldest] = ts;
    return false;
  }

  nextBusy(): number { return this.buffer.nextBusy(); }
  quiet(): boolean { return this.episodes.size === 0; }
  canEvict(slot: number): boolean { return !this.episodes.isOpen(slot); }
  release(): void {}
  sweep(): void {}
  trending(limit: number): TrendingEntry[] { return sortEntries(this.episodes.entries()).slice(0, limit); }
  bytes(): number {
    return this.hashes.byteLength + this.seen.byteLength + this.history.byteLength + this.buffer.bytes() + this.episodes.bytes();
  }
}
