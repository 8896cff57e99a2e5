import { grownSize } from './keystore.js';

/**
 * Per-key weighted counts per bucket, for the buckets that can still matter: the open
 * buckets plus the window behind the newest closed one.
 *
 * Most keys are cold (a long-tail product sees an event now and then), so every key has two
 * inline (bucket, count) cells; only a key with events in a third distinct recent bucket
 * takes a full ring from a pooled slab. Cells and ring positions are tagged with their
 * bucket, so a stale cell is recognised by its tag and nothing needs clearing eagerly.
 * Which representation a key uses never changes a count, only the memory it takes.
 */
const NO_BUCKET = -2147483648;

export class WindowStore {
  private tagA = new Int32Array(0);
  private tagB = new Int32Array(0);
  private cntA = new Float64Array(0);
  private cntB = new Float64Array(0);
  private ringOf = new Int32Array(0);
  private ringTags = new Int32Array(0);
  private ringCounts = new Float64Array(0);
  private ringOwner = new Int32Array(0);
  private ringFree: number[] = [];
  private ringsUsed = 0;
  private ringCap = 0;
  private sweepHand = 0;
  private readonly scratch: number[] = [];

  /**
   * `onDrop(slot, bucket)` is called before a cell holding `bucket` (or older) is reused or
   * released, so the owner can first fold those counts into its baseline.
   */
  constructor(readonly ringSize: number, private readonly onDrop: (slot: number, bucket: number) => void) {}

  grow(capacity: number): void {
    const t1 = new Int32Array(capacity); t1.set(this.tagA); this.tagA = t1;
    const t2 = new Int32Array(capacity); t2.set(this.tagB); this.tagB = t2;
    const c1 = new Float64Array(capacity); c1.set(this.cntA); this.cntA = c1;
    const c2 = new Float64Array(capacity); c2.set(this.cntB); this.cntB = c2;
    const r = new Int32Array(capacity); r.set(this.ringOf); this.ringOf = r;
  }

  reset(slot: number): void {
    this.tagA[slot] = NO_BUCKET;
    this.tagB[slot] = NO_BUCKET;
    this.cntA[slot] = 0;
    this.cntB[slot] = 0;
    this.release(slot);
  }

  /**
   * Adds weight `w` to (slot, bucket). `floor` is the oldest bucket any future window can
   * include; cells older than it are free. Returns true when this is the key's first event
   * in that bucket (the caller then lists the key for evaluation when the bucket closes).
   */
  add(slot: number, bucket: number, w: number, floor: number): boolean {
    const ring = this.ringOf[slot]! - 1;
    if (ring >= 0) return this.addRing(slot, ring, bucket, w);
    const a = this.tagA[slot]!, b = this.tagB[slot]!;
    if (a === bucket) { this.cntA[slot]! += w; return false; }
    if (b === bucket) { this.cntB[slot]! += w; return false; }
    if (a < floor) {
      if (a !== NO_BUCKET) this.onDrop(slot, a);
      this.tagA[slot] = bucket; this.cntA[slot] = w; return true;
    }
    if (b < floor) {
      if (b !== NO_BUCKET) this.onDrop(slot, b);
      this.tagB[slot] = bucket; this.cntB[slot] = w; return true;
    }
    const r = this.takeRing(slot);
    this.addRing(slot, r, a, this.cntA[slot]!);
    this.addRing(slot, r, b, this.cntB[slot]!);
    this.tagA[slot] = NO_BUCKET;
    this.tagB[slot] = NO_BUCKET;
    return this.addRing(slot, r, bucket, w);
  }

  private addRing(slot: number, ring: number, bucket: number, w: number): boolean {
    const i = ring * this.ringSize + (bucket % this.ringSize);
    const old = this.ringTags[i]!;
    if (old === bucket) { this.ringCounts[i]! += w; return false; }
    if (old !== NO_BUCKET) this.onDrop(slot, old);
    this.ringTags[i] = bucket;
    this.ringCounts[i] = w;
    return true;
  }

  /** Weighted count of buckets from..to (inclusive). */
  sum(slot: number, from: number, to: number): number {
    const ring = this.ringOf[slot]! - 1;
    let s = 0;
    if (ring < 0) {
      const a = this.tagA[slot]!, b = this.tagB[slot]!;
      if (a >= from && a <= to) s += this.cntA[slot]!;
      if (b >= from && b <= to) s += this.cntB[slot]!;
      return s;
    }
    const base = ring * this.ringSize;
    for (let i = base; i < base + this.ringSize; i++) {
      const t = this.ringTags[i]!;
      if (t >= from && t <= to) s += this.ringCounts[i]!;
    }
    return s;
  }

  /** Calls fn(bucket, count) for the stored buckets in from..to, oldest first. */
  forEach(slot: number, from: number, to: number, fn: (bucket: number, count: number) => void): void {
    const ring = this.ringOf[slot]! - 1;
    if (ring < 0) {
      const a = this.tagA[slot]!, b = this.tagB[slot]!;
      const inA = a >= from && a <= to, inB = b >= from && b <= to;
      if (inA && inB && b < a) { fn(b, this.cntB[slot]!); fn(a, this.cntA[slot]!); return; }
      if (inA) fn(a, this.cntA[slot]!);
      if (inB) fn(b, this.cntB[slot]!);
      return;
    }
    // Any stored bucket in range counts, however old: an unfolded count must never be skipped.
    const base = ring * this.ringSize;
    const found = this.scratch;
    found.length = 0;
    for (let i = base; i < base + this.ringSize; i++) {
      const t = this.ringTags[i]!;
      if (t >= from && t <= to) found.push(i);
    }
    found.sort((x, y) => this.ringTags[x]! - this.ringTags[y]!);
    for (const i of found) fn(this.ringTags[i]!, this.ringCounts[i]!);
  }

  /** Newest bucket with an entry, or NO_BUCKET. */
  newest(slot: number): number {
    const ring = this.ringOf[slot]! - 1;
    if (ring < 0) return Math.max(this.tagA[slot]!, this.tagB[slot]!);
    let m = NO_BUCKET;
    const base = ring * this.ringSize;
    for (let i = base; i < base + this.ringSize; i++) m = Math.max(m, this.ringTags[i]!);
    return m;
  }

  private takeRing(slot: number): number {
    let r = this.ringFree.pop();
    if (r === undefined) {
      r = this.ringsUsed++;
      if (r >= this.ringCap) this.growRings(r + 1);
    }
    this.ringTags.fill(NO_BUCKET, r * this.ringSize, (r + 1) * this.ringSize);
    this.ringOwner[r] = slot;
    this.ringOf[slot] = r + 1;
    return r;
  }

  private growRings(needed: number): void {
    const n = grownSize(this.ringCap, needed);
    const t = new Int32Array(n * this.ringSize); t.set(this.ringTags); this.ringTags = t;
    const c = new Float64Array(n * this.ringSize); c.set(this.ringCounts); this.ringCounts = c;
    const o = new Int32Array(n); o.set(this.ringOwner); this.ringOwner = o;
    this.ringCap = n;
  }

  /** Gives a key's ring back to the pool (its counts are gone). */
  release(slot: number): void {
    const ring = this.ringOf[slot]! - 1;
    if (ring < 0) return;
    this.ringOf[slot] = 0;
    this.ringOwner[ring] = -1;
    this.ringFree.push(ring);
  }

  /** Returns rings whose every bucket is older than `floor` to the pool, a few per call. */
  sweepRings(floor: number, budget: number): void {
    if (this.ringsUsed === 0) return;
    for (let n = 0; n < budget && n < this.ringsUsed; n++) {
      const r = this.sweepHand;
      this.sweepHand = (this.sweepHand + 1) % this.ringsUsed;
      const owner = this.ringOwner[r]!;
      if (owner < 0) continue;
      const newest = this.newest(owner);
      if (newest < floor) {
        if (newest !== NO_BUCKET) this.onDrop(owner, newest);
        this.release(owner);
      }
    }
  }

  activeRings(): number { return this.ringsUsed - this.ringFree.length; }

  bytes(): number {
    return this.tagA.byteLength + this.tagB.byteLength + this.cntA.byteLength + this.cntB.byteLength
      + this.ringOf.byteLength + this.ringTags.byteLength + this.ringCounts.byteLength + this.ringOwner.byteLength
      + this.ringFree.length * 8;
  }
}

export { NO_BUCKET };
