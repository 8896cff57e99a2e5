import type { KeyStore } from './keystore.js';
import { MAX_EXACT_F32, RingPool } from './rings.js';

/**
 * Per-key weighted counts per bucket, for the buckets that can still matter: the open
 * buckets plus the window behind the newest closed one.
 *
 * Most keys are cold (a long-tail product sees an event now and then), so every key has two
 * inline (bucket, count) cells; only a key with events in a third distinct recent bucket
 * takes a ring from a pooled slab, and gives it back once all its buckets are stale.
 * Which representation a key uses never changes a count, only the memory it takes.
 *
 * Counts are float32 while they stay exact (weights are multiples of 1/1024, so sums below
 * 2^24/1024 are exact whatever their order); a key whose bucket would pass that moves to a
 * float64 ring.
 */
const NO_BUCKET = -2147483648;
/** tagA of a key whose counts live in a ring (narrow or wide); tagB then holds the ring number. */
const IN_RING = -2147483647;
const IN_WIDE = -2147483646;

/** Words the store uses in each key's record: tagA, tagB (Int32), cntA, cntB (Float32). */
export const WINDOW_WORDS = 4;

export class WindowStore {
  private readonly narrow: RingPool;
  private readonly wide: RingPool;

  /**
   * `onDrop(slot, bucket)` is called before counts of `bucket` (or older) are overwritten or
   * released, so the owner can first fold them into its baseline.
   */
  constructor(private readonly keys: KeyStore, private readonly word: number, readonly ringSize: number,
    private readonly onDrop: (slot: number, bucket: number) => void) {
    this.narrow = new RingPool(ringSize, false);
    this.wide = new RingPool(ringSize, true);
  }

  private at(slot: number): number { return slot * this.keys.stride + this.word; }

  reset(slot: number): void {
    this.release(slot);
    const o = this.at(slot);
    const i32 = this.keys.i32, f32 = this.keys.f32;
    i32[o] = NO_BUCKET;
    i32[o + 1] = NO_BUCKET;
    f32[o + 2] = 0;
    f32[o + 3] = 0;
  }

  private pool(tag: number): RingPool | null {
    return tag === IN_RING ? this.narrow : tag === IN_WIDE ? this.wide : null;
  }

  /**
   * Adds weight `w` (> 0) to (slot, bucket). `floor` is the oldest bucket any future window
   * can include; cells older than it are free. Returns true when this is the key's first event
   * in that bucket (the caller then lists the key for evaluation when the bucket closes).
   */
  add(slot: number, bucket: number, w: number, floor: number): boolean {
    const i32 = this.keys.i32, f32 = this.keys.f32;
    const o = this.at(slot);
    const a = i32[o]!;
    const pool = this.pool(a);
    if (pool !== null) {
      const r = i32[o + 1]!;
      const current = bucket <= pool.head[r]! ? pool.counts[r * pool.size + (bucket % pool.size)]! : 0;
      if (!pool.wide && current + w > MAX_EXACT_F32) return this.moveToRing(slot, bucket, w, floor, true);
      return this.addRing(slot, pool, r, bucket, w);
    }
    const b = i32[o + 1]!;
    if (a === bucket && f32[o + 2]! + w <= MAX_EXACT_F32) { f32[o + 2]! += w; return false; }
    if (b === bucket && f32[o + 3]! + w <= MAX_EXACT_F32) { f32[o + 3]! += w; return false; }
    if (a !== bucket && b !== bucket && w <= MAX_EXACT_F32) {
      if (a < floor) {
        if (a !== NO_BUCKET) this.onDrop(slot, a);
        i32[o] = bucket; f32[o + 2] = w; return true;
      }
      if (b < floor) {
        if (b !== NO_BUCKET) this.onDrop(slot, b);
        i32[o + 1] = bucket; f32[o + 3] = w; return true;
      }
    }
    // A third recent bucket, or a count too big to keep exact in float32: move to a ring.
    return this.moveToRing(slot, bucket, w, floor, w > MAX_EXACT_F32 || a === bucket || b === bucket);
  }

  /** Moves a key's live counts (inline or narrow ring) into a fresh ring, then adds w. */
  private moveToRing(slot: number, bucket: number, w: number, floor: number, wide: boolean): boolean {
    const live: number[] = [];
    let stale = NO_BUCKET;
    this.forEach(slot, NO_BUCKET + 3, 2147483647, (t, c) => {
      if (t >= floor) live.push(t, c); else stale = t;
    });
    if (stale !== NO_BUCKET) this.onDrop(slot, stale);
    this.release(slot);
    const pool = wide ? this.wide : this.narrow;
    let lo = bucket;
    for (let i = 0; i < live.length; i += 2) lo = Math.min(lo, live[i]!);
    const r = pool.take(slot, lo);
    const o = this.at(slot);
    this.keys.i32[o] = wide ? IN_WIDE : IN_RING;
    this.keys.i32[o + 1] = r;
    for (let i = 0; i < live.length; i += 2) this.addRing(slot, pool, r, live[i]!, live[i + 1]!);
    return this.addRing(slot, pool, r, bucket, w);
  }

  private addRing(slot: number, pool: RingPool, r: number, bucket: number, w: number): boolean {
    const dropped = pool.displaced(r, bucket);
    if (dropped !== NO_BUCKET) this.onDrop(slot, dropped);
    pool.advance(r, bucket);
    return pool.add(r, bucket, w);
  }

  /** Weighted count of buckets from..to (inclusive). */
  sum(slot: number, from: number, to: number): number {
    const i32 = this.keys.i32, f32 = this.keys.f32;
    const o = this.at(slot);
    const a = i32[o]!;
    const pool = this.pool(a);
    let s = 0;
    if (pool === null) {
      const b = i32[o + 1]!;
      if (a >= from && a <= to) s += f32[o + 2]!;
      if (b >= from && b <= to) s += f32[o + 3]!;
      return s;
    }
    return pool.sum(i32[o + 1]!, from, to);
  }

  /** Calls fn(bucket, count) for the stored non-empty buckets in from..to, oldest first. */
  forEach(slot: number, from: number, to: number, fn: (bucket: number, count: number) => void): void {
    const i32 = this.keys.i32, f32 = this.keys.f32;
    const o = this.at(slot);
    const a = i32[o]!;
    const pool = this.pool(a);
    if (pool === null) {
      const b = i32[o + 1]!;
      const inA = a >= from && a <= to, inB = b >= from && b <= to;
      if (inA && inB && b < a) { fn(b, f32[o + 3]!); fn(a, f32[o + 2]!); return; }
      if (inA) fn(a, f32[o + 2]!);
      if (inB) fn(b, f32[o + 3]!);
      return;
    }
    const r = i32[o + 1]!;
    const head = pool.head[r]!;
    const base = r * pool.size;
    for (let t = Math.max(from, head - pool.size + 1); t <= Math.min(to, head); t++) {
      const c = pool.counts[base + (t % pool.size)]!;
      if (c !== 0) fn(t, c);
    }
  }

  /** Gives a key's ring back to the pool (its counts are gone). */
  release(slot: number): void {
    const o = this.at(slot);
    const i32 = this.keys.i32;
    const pool = this.pool(i32[o]!);
    if (pool === null) return;
    pool.give(i32[o + 1]!);
    i32[o] = NO_BUCKET;
    i32[o + 1] = NO_BUCKET;
  }

  /** Returns rings whose every bucket is older than `floor` to their pool, about `budget` per call. */
  sweepRings(floor: number, budget: number): void {
    for (const pool of [this.narrow, this.wide]) {
      for (let n = 0; n < budget && n < pool.used; n++) {
        const r = pool.nextOwned();
        if (r < 0 || pool.head[r]! >= floor) continue;
        const owner = pool.owner[r]!;
        this.onDrop(owner, pool.head[r]!);
        this.release(owner);
      }
    }
  }

  activeRings(): number { return this.narrow.active() + this.wide.active(); }

  /** Ring memory; the inline cells are part of the key records. */
  bytes(): number { return this.narrow.bytes() + this.wide.bytes(); }
}
