import { grownSize, hashString } from './keystore.js';

/**
 * Distinct people behind a key's recent events: a capped exact set of actor fingerprints
 * (32-bit hash of userId, else sessionId), each with the newest bucket it was seen in. The
 * distinct count over any trailing span is the number of entries seen within it; past the
 * cap the lightest entry is replaced, so the count saturates at ACTOR_CAP ("≥ 16"), which is
 * all a `minActors` test or a person reading the alert needs.
 *
 * Each entry also keeps the actor's weight, so a decision can ask whether the lift holds
 * without the busiest person (a bot, one big buyer) as well.
 *
 * Memory: a key's one recent actor lives inline in its record (3 words); a set exists only
 * while a key has two or more distinct actors in the window. Entries that left the window are
 * dropped before each bucket is applied (they can never count again: a returning actor starts
 * a new run), and a set left empty is freed. Sets are blocks of two slabs (typed arrays, no
 * object per set): 4 entries (96 bytes), moving to ACTOR_CAP entries (384 bytes) when a key
 * has a fifth actor in the window.
 */
export const ACTOR_CAP = 16;
const SMALL = 4;

/**
 * Fixed-size blocks of entries; a block's size and owner alongside. An entry is two Int32
 * (fingerprint, newest bucket seen) in `ids` and two float64 weights (its current run, its
 * newest bucket) in `w`: 24 bytes, with the weights' sums exact as before.
 */
class Slab {
  ids = new Int32Array(0);
  w = new Float64Array(0);
  size = new Int32Array(0);
  owner = new Int32Array(0);
  private readonly free: number[] = [];
  used = 0;
  private cap = 0;

  constructor(readonly entries: number) {}

  take(owner: number): number {
    let b = this.free.pop();
    if (b === undefined) {
      b = this.used++;
      if (b >= this.cap) this.grow(b + 1);
    }
    this.size[b] = 0;
    this.owner[b] = owner;
    return b;
  }

  give(b: number): void { this.owner[b] = -1; this.free.push(b); }

  private grow(needed: number): void {
    // Doubling from 2 while small: a rule with a few busy keys holds a few blocks, not sixteen.
    const n = this.cap < 16 ? Math.max(needed, this.cap * 2, 2) : grownSize(this.cap, needed);
    const ids = new Int32Array(n * this.entries * 2); ids.set(this.ids); this.ids = ids;
    const w = new Float64Array(n * this.entries * 2); w.set(this.w); this.w = w;
    const s = new Int32Array(n); s.set(this.size); this.size = s;
    const o = new Int32Array(n); o.set(this.owner); this.owner = o;
    this.cap = n;
  }

  held(): number { return this.used - this.free.length; }

  bytes(): number { return this.ids.byteLength + this.w.byteLength + this.size.byteLength + this.owner.byteLength + this.free.length * 8; }
}

/**
 * Every key's actor set, by number: id = block · 2 + (1 for a full-size block). Each entry is
 * a fingerprint, the newest bucket it was seen in (ids[2j], ids[2j + 1]), the weight of its
 * current run (since it was last absent for a whole window: its share of the window, or more)
 * and its weight in its newest bucket (w[2j], w[2j + 1]).
 */
export class ActorSets {
  private readonly slabs: readonly [Slab, Slab] = [new Slab(SMALL), new Slab(ACTOR_CAP)];

  constructor(private readonly windowBuckets: number) {}

  /** A new, empty set of key `owner`. */
  create(owner: number): number { return this.slabs[0].take(owner) * 2; }

  free(id: number): void { this.slabs[id & 1]!.give(id >> 1); }

  owner(id: number): number { return this.slabs[id & 1]!.owner[id >> 1]!; }

  size(id: number): number { return this.slabs[id & 1]!.size[id >> 1]!; }

  /**
   * Notes weight `w` of actor `h` (a fingerprint) in `bucket`; returns the set's id, which
   * changes when it moves to a full-size block. When the set is full, the lightest entry makes
   * room, unless it is heavier than w; among equals the one seen longest ago (it leaves the
   * window first), then the smaller fingerprint: never the position, so the result does not
   * depend on the order entries were inserted in.
   */
  add(id: number, h: number, bucket: number, w: number): number {
    let slab = this.slabs[id & 1]!;
    let blk = id >> 1;
    const n = slab.size[blk]!;
    let ids = slab.ids, ws = slab.w;
    let base = blk * slab.entries * 2;
    for (let i = base; i < base + n * 2; i += 2) {
      if (ids[i] !== h) continue;
      const last = ids[i + 1]!;
      if (last < bucket - this.windowBuckets + 1) ws[i] = 0;
      ws[i]! += w;
      if (bucket > last) { ids[i + 1] = bucket; ws[i + 1] = w; } else if (bucket === last) ws[i + 1]! += w;
      return id;
    }
    if (n === slab.entries && n < ACTOR_CAP) {
      // A fifth actor: move to a full-size block.
      const big = this.slabs[1];
      const b2 = big.take(slab.owner[blk]!);
      const to = b2 * ACTOR_CAP * 2;
      big.ids.set(slab.ids.subarray(base, base + n * 2), to);
      big.w.set(slab.w.subarray(base, base + n * 2), to);
      big.size[b2] = n;
      slab.give(blk);
      slab = big; blk = b2; id = b2 * 2 + 1; ids = big.ids; ws = big.w; base = to;
    }
    let at = base + n * 2;
    if (n === slab.entries) {
      // Full: an actor out of the window makes room, else the lightest one, so the busiest
      // people (whom the decisions ask about) stay while the count stays saturated.
      at = base;
      const stale = bucket - this.windowBuckets + 1;
      for (let i = base + 2; i < base + n * 2; i += 2) {
        const li = ids[i + 1]!, la = ids[at + 1]!;
        const si = li < stale, sa = la < stale;
        const ri = ws[i]!, ra = ws[at]!;
        if (si !== sa ? si : si || (ri !== ra ? ri < ra : li !== la ? li < la : ids[i]! < ids[at]!)) at = i;
      }
      if (ids[at + 1]! >= stale && ws[at]! > w) return id;
    } else {
      slab.size[blk] = n + 1;
    }
    ids[at] = h; ids[at + 1] = bucket; ws[at] = w; ws[at + 1] = w;
    return id;
  }

  /**
   * Drops the entries last seen before `from` (out of the window for good: a returning actor
   * starts a new run, and every later question asks about buckets ≥ from); returns the size left.
   */
  dropBefore(id: number, from: number): number {
    const slab = this.slabs[id & 1]!;
    const blk = id >> 1;
    const { ids, w } = slab;
    const base = blk * slab.entries * 2;
    const end = base + slab.size[blk]! * 2;
    let k = base;
    for (let i = base; i < end; i += 2) {
      if (ids[i + 1]! < from) continue;
      if (k !== i) { ids[k] = ids[i]!; ids[k + 1] = ids[i + 1]!; w[k] = w[i]!; w[k + 1] = w[i + 1]!; }
      k += 2;
    }
    return (slab.size[blk] = (k - base) / 2);
  }

  /** The largest weight one actor seen since `from` put into its current run (the busiest person's share). */
  topSince(id: number, from: number): number {
    const slab = this.slabs[id & 1]!;
    const base = (id >> 1) * slab.entries * 2;
    const { ids, w } = slab;
    let top = 0;
    for (let i = base; i < base + slab.size[id >> 1]! * 2; i += 2) if (ids[i + 1]! >= from && w[i]! > top) top = w[i]!;
    return top;
  }

  /** The largest weight one actor put into `bucket`. */
  topIn(id: number, bucket: number): number {
    const slab = this.slabs[id & 1]!;
    const base = (id >> 1) * slab.entries * 2;
    const { ids, w } = slab;
    let top = 0;
    for (let i = base; i < base + slab.size[id >> 1]! * 2; i += 2) if (ids[i + 1] === bucket && w[i + 1]! > top) top = w[i + 1]!;
    return top;
  }

  /** Distinct actors seen in buckets ≥ `from` (up to ACTOR_CAP). */
  since(id: number, from: number): number {
    const slab = this.slabs[id & 1]!;
    const base = (id >> 1) * slab.entries * 2;
    const ids = slab.ids;
    let c = 0;
    for (let i = base; i < base + slab.size[id >> 1]! * 2; i += 2) if (ids[i + 1]! >= from) c++;
    return c;
  }

  /** Newest bucket any actor of the set was seen in. */
  newest(id: number): number {
    const slab = this.slabs[id & 1]!;
    const base = (id >> 1) * slab.entries * 2;
    const ids = slab.ids;
    let b = -2147483648;
    for (let i = base; i < base + slab.size[id >> 1]! * 2; i += 2) if (ids[i + 1]! > b) b = ids[i + 1]!;
    return b;
  }

  /** Ids of block b (b < blocks()) of either slab that are in use, for a sweep; -1 when free or past the end. */
  blocks(): number { return Math.max(this.slabs[0].used, this.slabs[1].used); }
  idAt(b: number, large: boolean): number {
    const slab = this.slabs[large ? 1 : 0];
    return b < slab.used && slab.owner[b]! >= 0 ? b * 2 + (large ? 1 : 0) : -1;
  }

  /** Sets held. */
  held(): number { return this.slabs[0].held() + this.slabs[1].held(); }

  bytes(): number { return this.slabs[0].bytes() + this.slabs[1].bytes(); }
}

/** The actor of an event: its userId, else its sessionId; undefined when it has neither. */
export function actorHash(userId: string | undefined, sessionId: string | undefined): number | undefined {
  const a = userId ?? sessionId;
  return a === undefined || a === '' ? undefined : hashString(a) | 0;
}

const PENDING_INITIAL = 64;
/** Sort scratch shared by every list (the engine is single-threaded; a close sorts one list at a time). */
let order = new Uint32Array(PENDING_INITIAL);
let packed = new Float64Array(PENDING_INITIAL);
const RADIX_BITS = 13;
const RADIX_MASK = (1 << RADIX_BITS) - 1;
/** Below this many entries a native sort beats two passes over 8,192 counters. */
const RADIX_FROM = 4096;
const radixCounts = new Uint32Array(RADIX_MASK + 2);
/** Slots are below 2^26 (the key store's limit), entry indexes below 2^27: slot · 2^27 + index is exact in a float64. */
const INDEX_SPAN = 2 ** 27;
/** A group is ordered by actor through (actor + 2^31) · 2^21 + position: exact in a float64 below 2^21 entries. */
const GROUP_SPAN = 2 ** 21;

/**
 * Actors seen in one open bucket, applied to the sets when it closes: (slot, actor, weight)
 * in parallel typed arrays, reused from bucket to bucket (no allocation per event).
 */
export class PendingActors {
  slots = new Int32Array(PENDING_INITIAL);
  actors = new Int32Array(PENDING_INITIAL);
  weights = new Float64Array(PENDING_INITIAL);
  length = 0;

  push(slot: number, h: number, w: number): void {
    const n = this.length;
    if (n === this.slots.length) {
      const m = n * 2;
      const s = new Int32Array(m); s.set(this.slots); this.slots = s;
      const a = new Int32Array(m); a.set(this.actors); this.actors = a;
      const ws = new Float64Array(m); ws.set(this.weights); this.weights = ws;
    }
    this.slots[n] = slot; this.actors[n] = h; this.weights[n] = w;
    this.length = n + 1;
  }

  /**
   * Entry indexes grouped by slot (ascending), in arrival order within a key: a native numeric
   * sort of packed numbers (no comparator), or a radix sort for big buckets. Within a key, arrival order only matters once its
   * set is full; sortGroup() then puts the key's entries in a fixed order.
   */
  bySlot(): Uint32Array {
    const n = this.length;
    if (order.length < n) { order = new Uint32Array(this.slots.length); packed = new Float64Array(this.slots.length); }
    const slots = this.slots;
    if (n < RADIX_FROM) {
      const p = packed.subarray(0, n);
      for (let i = 0; i < n; i++) p[i] = slots[i]! * INDEX_SPAN + i;
      p.sort();
      for (let i = 0; i < n; i++) order[i] = p[i]! % INDEX_SPAN;
      return order.subarray(0, n);
    }
    // Many entries: two stable counting passes over the slot's low and high 13 bits (slots < 2^26).
    const tmp = new Uint32Array(packed.buffer, 0, n);
    const c = radixCounts;
    c.fill(0);
    for (let i = 0; i < n; i++) c[(slots[i]! & RADIX_MASK) + 1]!++;
    for (let k = 1; k <= RADIX_MASK + 1; k++) c[k]! += c[k - 1]!;
    for (let i = 0; i < n; i++) tmp[c[slots[i]! & RADIX_MASK]!++] = i;
    c.fill(0);
    for (let i = 0; i < n; i++) c[(slots[i]! >>> RADIX_BITS) + 1]!++;
    for (let k = 1; k <= RADIX_MASK + 1; k++) c[k]! += c[k - 1]!;
    for (let k = 0; k < n; k++) { const i = tmp[k]!; order[c[slots[i]! >>> RADIX_BITS]!++] = i; }
    return order.subarray(0, n);
  }

  /**
   * Puts order[from..to) (one key's entries) in (actor, weight) order, so which actors a full
   * set keeps never depends on how events were interleaved.
   */
  sortGroup(order: Uint32Array, from: number, to: number): void {
    const n = to - from;
    const { actors, weights } = this;
    if (n >= GROUP_SPAN) {
      order.subarray(from, to).sort((x, y) => actors[x]! - actors[y]! || weights[x]! - weights[y]!);
      return;
    }
    const p = packed.subarray(0, n);
    for (let i = 0; i < n; i++) p[i] = (actors[order[from + i]!]! + 2147483648) * GROUP_SPAN + i;
    p.sort();
    const g = order.slice(from, to);
    for (let i = 0; i < n; i++) order[from + i] = g[p[i]! % GROUP_SPAN]!;
    // Entries of one actor: by weight (insertion sort; such runs are short).
    for (let i = from + 1; i < to; i++) {
      const x = order[i]!;
      let j = i - 1;
      while (j >= from && actors[order[j]!] === actors[x] && weights[order[j]!]! > weights[x]!) { order[j + 1] = order[j]!; j--; }
      order[j + 1] = x;
    }
  }

  bytes(): number { return this.slots.length * 16; }
}
