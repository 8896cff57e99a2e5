import type { HerdEvent } from '../events/schema.js';
import { ACTOR_CAP, ActorSets, actorHash, PendingActors } from './actors.js';
import { hashString, type KeyStore } from './keystore.js';

/** Words KeyActors uses in each key's record, from the offset it is given. */
export const ACTOR_WORDS = 3;
const H = 0; // Int32: fingerprint of the key's one recent actor; with a set, the set's number
const AT = 1; // Int32: bucket that actor was last seen in; NONE when none, IN_SET when the key has a set
const W = 2; // Float32: that actor's weight in its current run
const NONE = -2147483648;
const IN_SET = -2147483647;

/**
 * The distinct people behind each key's recent events, for the surge detector's `minActors`
 * test and its busiest-person rule (see docs/engine.md, "A herd is many people").
 *
 * A key's one recent actor lives inline in its record; a key with two or more distinct actors
 * in the window has a set in ActorSets, found by number (no Map lookup, no object per key). Actors are applied
 * at their bucket's close, grouped by key: a set then only ever holds closed buckets, so no
 * decision can see an actor from a bucket after the one it judges. Within a key, arrival order
 * can only matter once its set may fill up; only then are the key's entries put in a fixed
 * (actor, weight) order, so chunking never changes a count.
 */
export class KeyActors {
  private readonly sets: ActorSets;
  private sweepHand = 0;
  private readonly pending = new Map<number, PendingActors>();
  private readonly spare: PendingActors[] = [];
  /** The bucket the last event went to, and its pending list: consecutive events mostly share one. */
  private lastBucket = NONE;
  private lastPending: PendingActors | null = null;
  /** Most buckets with actors pending at once so far. */
  private peakOpen = 1;
  /** The keys the last close() visited (a view of shared scratch: valid until the next close). */
  private visited: Uint32Array = new Uint32Array(0);

  constructor(private readonly keys: KeyStore, private readonly word: number, private readonly windowBuckets: number) {
    this.sets = new ActorSets(windowBuckets);
  }

  private at(slot: number): number { return slot * this.keys.stride + this.word; }

  /** A key starting over: no actors. */
  reset(slot: number): void {
    this.release(slot);
    this.keys.i32[this.at(slot) + AT] = NONE;
  }

  /** Frees the key's set, if it has one. */
  release(slot: number): void {
    const o = this.at(slot);
    const i32 = this.keys.i32;
    if (i32[o + AT] !== IN_SET) return;
    this.sets.free(i32[o + H]!);
    i32[o + AT] = NONE;
  }

  /** An event of the key in (open) `bucket`, weighing w > 0. */
  add(slot: number, bucket: number, w: number, ev: HerdEvent): void {
    let p = this.lastPending;
    if (bucket !== this.lastBucket || p === null) {
      p = this.pending.get(bucket) ?? null;
      if (p === null) {
        this.pending.set(bucket, (p = this.spare.pop() ?? new PendingActors()));
        if (this.pending.size > this.peakOpen) this.peakOpen = this.pending.size;
      }
      this.lastBucket = bucket;
      this.lastPending = p;
    }
    p.push(slot, actorHash(ev.userId, ev.sessionId) ?? hashString(ev.id) | 0, w);
  }

  /**
   * `bucket` closes: its actors join their keys' sets, key by key in slot order, and `then(slot)`
   * runs for each key right after its actors are in (the detector judges it while its record is
   * still in cache; slot order walks the records forwards). Returns the number of keys visited.
   */
  close(bucket: number, then: (slot: number) => void = () => {}): number {
    const p = this.pending.get(bucket);
    if (p === undefined) return 0;
    this.pending.delete(bucket);
    if (this.lastBucket === bucket) { this.lastBucket = NONE; this.lastPending = null; }
    const order = p.bySlot();
    const slots = p.slots;
    const n = p.length;
    let visited = 0;
    for (let i = 0; i < n;) {
      const slot = slots[order[i]!]!;
      let j = i + 1;
      while (j < n && slots[order[j]!] === slot) j++;
      this.apply(slot, bucket, p, order, i, j);
      then(slot);
      order[visited++] = slot; // order[..i) is read no more: it keeps the keys visited
      i = j;
    }
    this.visited = order.subarray(0, visited);
    p.length = 0;
    // As many spares as buckets have been open at once (the allowed lateness): no list is made and
    // grown again for every bucket. A list grown for a burst far above the usual goes.
    if (this.spare.length < this.peakOpen && p.slots.length <= 1 << 18) this.spare.push(p);
    return visited;
  }

  /**
   * Applies one key's actors of `bucket` (entries order[from..to) of p). The result never
   * depends on their arrival order: sums are formed before they are rounded to the record's
   * float32, a key's set is made before any of them is applied, and only when the set may fill
   * up (where whom it keeps depends on order) are they put in a fixed (actor, weight) order.
   */
  private apply(slot: number, bucket: number, p: PendingActors, order: Uint32Array, from: number, to: number): void {
    const o = this.at(slot);
    const { i32, f32 } = this.keys;
    const { actors, weights } = p;
    const start = bucket - this.windowBuckets + 1;
    let at = i32[o + AT]!;
    if (to - from === 1 && at !== IN_SET) {
      // The usual case, a long-tail key with one event in the bucket: the inline actor, replaced or added to.
      const e = order[from]!;
      const h = actors[e]!;
      if (at === NONE || at < start) { i32[o + H] = h; i32[o + AT] = bucket; f32[o + W] = weights[e]!; return; }
      if (i32[o + H] === h) { f32[o + W] = f32[o + W]! + weights[e]!; i32[o + AT] = bucket; return; }
    }
    let id = -1;
    if (at === IN_SET) {
      // Actors out of the window are dropped first: they can never count again.
      id = i32[o + H]!;
      if (this.sets.dropBefore(id, start) === 0) { this.sets.free(id); i32[o + AT] = at = NONE; id = -1; }
    } else if (at !== NONE && at < start) {
      i32[o + AT] = at = NONE;
    }
    if (id < 0) {
      // No set: one actor (the inline one, if any, and everyone in this bucket) stays inline.
      const h0 = at === NONE ? actors[order[from]!]! : i32[o + H]!;
      let sum = 0;
      let one = true;
      for (let k = from; k < to; k++) {
        const e = order[k]!;
        if (actors[e] !== h0) { one = false; break; }
        sum += weights[e]!;
      }
      if (one) {
        f32[o + W] = (at === NONE ? 0 : f32[o + W]!) + sum;
        i32[o + H] = h0;
        i32[o + AT] = bucket;
        return;
      }
      id = this.sets.create(slot);
      if (at !== NONE) id = this.sets.add(id, h0, at, f32[o + W]!);
      i32[o + H] = id;
      i32[o + AT] = IN_SET;
    }
    if (to - from > ACTOR_CAP - this.sets.size(id)) p.sortGroup(order, from, to);
    for (let k = from; k < to; k++) { const e = order[k]!; id = this.sets.add(id, actors[e]!, bucket, weights[e]!); }
    i32[o + H] = id;
  }

  /** The key's set id, or -1 when it has none. */
  private setOf(slot: number): number {
    const o = this.at(slot);
    const i32 = this.keys.i32;
    return i32[o + AT] === IN_SET ? i32[o + H]! : -1;
  }

  /** Distinct actors of the key seen in buckets ≥ from (up to ACTOR_CAP). */
  since(slot: number, from: number): number {
    const set = this.setOf(slot);
    if (set >= 0) return this.sets.since(set, from);
    const at = this.keys.i32[this.at(slot) + AT]!;
    return at !== NONE && at >= from ? 1 : 0;
  }

  /** The busiest actor's weight among those seen since `from` (all of `count` when the key has had one actor). */
  top(slot: number, from: number, count: number): number {
    const set = this.setOf(slot);
    return set >= 0 ? Math.min(count, this.sets.topSince(set, from)) : count;
  }

  /** The largest weight one actor put into `bucket` (all of its `count` when the key has had one actor). */
  topIn(slot: number, bucket: number, count: number): number {
    const set = this.setOf(slot);
    return set >= 0 ? this.sets.topIn(set, bucket) : count;
  }

  /**
   * Frees sets none of whose actors are in the window any more (keys that went quiet), a slice
   * per close: a full pass every quarter window, so a quiet key's set does not outlive it for long.
   */
  prune(from: number, budget: number): void {
    const sets = this.sets;
    const blocks = sets.blocks();
    if (sets.held() === 0) return;
    const n = Math.min(blocks, Math.max(budget, Math.ceil((blocks * 4) / this.windowBuckets)));
    for (let k = 0; k < n; k++) {
      const b = this.sweepHand;
      this.sweepHand = b + 1 >= blocks ? 0 : b + 1;
      for (const large of [false, true]) {
        const id = sets.idAt(b, large);
        if (id < 0 || sets.newest(id) >= from) continue;
        this.keys.i32[this.at(sets.owner(id)) + AT] = NONE;
        sets.free(id);
      }
    }
  }

  /** The keys the last close() visited. */
  lastVisited(): Uint32Array { return this.visited; }

  /** Sets held (keys with two or more recent actors). */
  get setCount(): number { return this.sets.held(); }

  bytes(): number {
    let n = this.sets.bytes();
    for (const p of this.pending.values()) n += p.bytes();
    for (const p of this.spare) n += p.bytes();
    return n;
  }
}
