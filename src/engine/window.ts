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

export class WindowStore {
  private tagA = new Int32Array(0);
  private tagB = new Int32Array(0);
  private cntA = new Float32Array(0);
  private cntB = new Float32Array(0);
  private readonly narrow: RingPool;
  private readonly wide: RingPool;

  /**
   * `onDrop(slot, bucket)` is called before counts of `bucket` (or older) are overwritten or
   * released, so the owner can first fold them into its baseline.
   */
  constructor(readonly ringSize: number, private readonly onDrop: (slot: number, bucket: number) => void) {
    this.narrow = new RingPool(ringSize, false);
    this.wide = new RingPool(ringSize, true);
  }

  grow(capacity: number): void {
    const t1 = new Int32Array(capacity); t1.set(this.tagA); this.tagA = t1;
    const t2 = new Int32Array(capacity); t2.set(this.tagB); this.tagB = t2;
    const c1 = new Float32Array(capacity); c1.set(this.cntA); this.cntA = c1;
    const c2 = new Float32Array(capacity); c2.set(this.cntB); this.cntB = c2;
  }

  reset(slot: number): void {
    this.release(slot);
    this.tagA[slot] = NO_BUCKET;
    this.tagB[slot] = NO_BUCKET;
    this.cntA[slot] = 0;
    this.cntB[slot] = 0;
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
    const a = this.tagA[slot]!;
    const pool = this.pool(a);
    if (pool !== null) {
      const r = this.tagB[slot]!;
      const current = bucket <= pool.head[r]! ? pool.counts[r * pool.size + (bucket % pool.size)]! : 0;
      if (!pool.wide && current + w > MAX_EXACT_F32) {
        return this.moveToRing(slot, bucket, w, floor, true);
      }
      return this.addRing(slot, pool, r, bucket, w);
    }
    const b = this.tagB[slot]!;
    if (a === bucket && this.cntA[slot]! + w <= MAX_EXACT_F32) { this.cntA[slot]! += w; return false; }
    if (b === bucket && this.cntB[slot]! + w <= MAX_EXACT_F32) { this.cntB[slot]! += w; return false; }
    if (a !== bucket && b !== bucket && w <= MAX_EXACT_F32) {
      if (a < floor) {
        if (a !== NO_BUCKET) this.onDrop(slot, a);
        this.tagA[slot] = bucket; this.cntA[slot] = w; return true;
      }
      if (b < floor) {
        if (b !== NO_BUCKET) this.onDrop(slot, b);
        this.tagB[slot] = bucket; this.cntB[slot] = w; return true;
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
    this.tagA[slot] = wide ? IN_WIDE : IN_RING;
    this.tagB[slot] = r;
    for (let i = 0; i < live.length; i += 2) this.addRing(slot, pool, r, live[i]!, live[i + 1]!);
    return this.addRing(slot, pool, r, bucket, w);
  }

  private addRing(slot: number, pool: RingPool, r: number, bucket: number, w: number): boolean {
    const dropped = pool.displaced(r, bucket);
    if (dropped !== NO_BUCKET) this.onDrop(slot, dropped);
    pool.advance(r, bucket);
    const i = r * pool.size + (bucket % pool.size);
    const fresh = pool.counts[i] === 0;
    pool.counts[i]! += w;
    return fresh;
  }

  /** Weighted count of buckets from..to (inclusive). */
  sum(slot: number, from: number, to: number): number {
    const a = this.tagA[slot]!;
    const pool = this.pool(a);
    let s = 0;
    if (pool === null) {
      const b = this.tagB[slot]!;
      if (a >= from && a <= to) s += this.cntA[slot]!;
      if (b >= from && b <= to) s += this.cntB[slot]!;
      return s;
    }
    const r = this.tagB[slot]!;
    const head = pool.head[r]!;
    const base = r * pool.size;
    for (let t = Math.max(from, head - pool.size + 1); t <= Math.min(to, head); t++) s += pool.counts[base + (t % pool.size)]!;
    return s;
  }

  /** Calls fn(bucket, count) for the stored non-empty buckets in from..to, oldest first. */
  forEach(slot: number, from: number, to: number, fn: (bucket: number, count: number) => void): void {
    const a = this.tagA[slot]!;
    const pool = this.pool(a);
    if (pool === null) {
      const b = this.tagB[slot]!;
      const inA = a >= from && a <= to, inB = b >= from && b <= to;
      if (inA && inB && b < a) { fn(b, this.cntB[slot]!); fn(a, this.cntA[slot]!); return; }
      if (inA) fn(a, this.cntA[slot]!);
      if (inB) fn(b, this.cntB[slot]!);
      return;
    }
    const r = this.tagB[slot]!;
    const head = pool.head[r]!;
    const base = r * pool.size;
    for (let t = Math.max(from, head - pool.size + 1); t <= Math.min(to, head); t++) {
      const c = pool.counts[base + (t % pool.size)]!;
      if (c !== 0) fn(t, c);
    }
  }

  /** Gives a key's ring back to the pool (its counts are gone). */
  release(slot: number): void {
    const pool = this.pool(this.tagA[slot]!);
    if (pool === null) return;
    pool.give(this.tagB[slot]!);
    this.tagA[slot] = NO_BUCKET;
    this.tagB[slot] = NO_BUCKET;
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

  bytes(): number {
    return this.tagA.byteLength + this.tagB.byteLength + this.cntA.byteLength + this.cntB.byteLength
      + this.narrow.bytes() + this.wide.bytes();
  }
}
