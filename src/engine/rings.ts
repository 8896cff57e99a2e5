import { grownSize } from './keystore.js';

const NO_BUCKET = -2147483648;

/**
 * A slab of fixed-size rings of per-bucket counts, handed out to keys and taken back.
 * Ring r holds the buckets (head − size, head]; a zero count means "no events".
 * Float32 rings hold counts exactly up to MAX_EXACT_F32 per bucket; keys that need more use
 * a float64 pool, so a sum never depends on the order its terms arrived in.
 */
export const MAX_EXACT_F32 = 16_384;

export class RingPool {
  counts: Float32Array | Float64Array;
  head = new Int32Array(0);
  /** Sum of each ring's counts (exact in float64), so a window sum reads only its edges. */
  total = new Float64Array(0);
  owner = new Int32Array(0);
  private free: number[] = [];
  used = 0;
  private cap = 0;
  private hand = 0;

  constructor(readonly size: number, readonly wide: boolean) {
    this.counts = wide ? new Float64Array(0) : new Float32Array(0);
  }

  take(slot: number, head: number): number {
    let r = this.free.pop();
    if (r === undefined) {
      r = this.used++;
      if (r >= this.cap) this.grow(r + 1);
    }
    this.counts.fill(0, r * this.size, (r + 1) * this.size);
    this.head[r] = head;
    this.total[r] = 0;
    this.owner[r] = slot;
    return r;
  }

  give(r: number): void {
    this.owner[r] = -1;
    this.free.push(r);
  }

  private grow(needed: number): void {
    const n = grownSize(this.cap, needed);
    const c = this.wide ? new Float64Array(n * this.size) : new Float32Array(n * this.size);
    c.set(this.counts);
    this.counts = c;
    const h = new Int32Array(n); h.set(this.head); this.head = h;
    const t = new Float64Array(n); t.set(this.total); this.total = t;
    const o = new Int32Array(n); o.set(this.owner); this.owner = o;
    this.cap = n;
  }

  /**
   * Makes `bucket` the newest bucket of ring r; returns the newest bucket whose non-zero count
   * is about to be overwritten (the caller folds it first), or NO_BUCKET. Call clear() after.
   */
  displaced(r: number, bucket: number): number {
    const head = this.head[r]!;
    if (bucket <= head) return NO_BUCKET;
    const base = r * this.size;
    let dropped = NO_BUCKET;
    for (let t = Math.max(head + 1, bucket - this.size + 1); t <= bucket; t++) {
      if (this.counts[base + (t % this.size)] !== 0) dropped = t - this.size;
    }
    return dropped;
  }

  advance(r: number, bucket: number): void {
    const head = this.head[r]!;
    if (bucket <= head) return;
    const base = r * this.size;
    let cleared = 0;
    for (let t = Math.max(head + 1, bucket - this.size + 1); t <= bucket; t++) {
      const i = base + (t % this.size);
      cleared += this.counts[i]!;
      this.counts[i] = 0;
    }
    this.total[r]! -= cleared;
    this.head[r] = bucket;
  }

  /** Next ring to inspect in a sweep (round robin), or -1 when none is in use. */
  nextOwned(): number {
    if (this.used === 0) return -1;
    const r = this.hand;
    this.hand = r + 1 >= this.used ? 0 : r + 1;
    return this.owner[r]! < 0 ? -1 : r;
  }

  /** Adds w to `bucket` (already within the ring); returns whether it was empty before. */
  add(r: number, bucket: number, w: number): boolean {
    const i = r * this.size + (bucket % this.size);
    const fresh = this.counts[i] === 0;
    this.counts[i]! += w;
    this.total[r]! += w;
    return fresh;
  }

  /** Sum of buckets from..to (inclusive); reads whichever is shorter, the range or its complement. */
  sum(r: number, from: number, to: number): number {
    const head = this.head[r]!;
    const lo = Math.max(from, head - this.size + 1), hi = Math.min(to, head);
    if (hi < lo) return 0;
    const base = r * this.size;
    let s = 0;
    if (2 * (hi - lo + 1) <= this.size) {
      for (let t = lo; t <= hi; t++) s += this.counts[base + (t % this.size)]!;
      return s;
    }
    for (let t = head - this.size + 1; t < lo; t++) s += this.counts[base + (t % this.size)]!;
    for (let t = hi + 1; t <= head; t++) s += this.counts[base + (t % this.size)]!;
    return this.total[r]! - s;
  }

  active(): number { return this.used - this.free.length; }

  bytes(): number {
    return this.counts.byteLength + this.head.byteLength + this.total.byteLength + this.owner.byteLength + this.free.length * 8;
  }
}
