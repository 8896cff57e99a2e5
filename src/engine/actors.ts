import { hashString } from './keystore.js';

/**
 * Distinct people behind a key's recent events: a capped exact set of actor fingerprints
 * (32-bit hash of userId, else sessionId), each with the newest bucket it was seen in. The
 * distinct count over any trailing span is the number of entries seen within it; past the
 * cap the entry seen longest ago is replaced, so the count saturates at ACTOR_CAP ("≥ 16"),
 * which is all a `minActors` test or a person reading the alert needs.
 *
 * Each entry also keeps the actor's weight, so a decision can ask whether the lift holds
 * without the busiest person (a bot, one big buyer) as well.
 *
 * Memory: a key's first actor lives inline in its record (3 words); a set exists only for keys
 * with two or more distinct recent actors and is dropped when all of them leave the window.
 * A set holds 4 entries, growing to ACTOR_CAP: 96–384 bytes of entries plus ~200 of objects
 * and Map entry.
 */
export const ACTOR_CAP = 16;
const INITIAL = 4;

export class ActorSet {
  private fp: Int32Array;
  private last: Int32Array;
  /** Weight of the actor's current run (since it was last absent for a whole window): its share of the window, or more. */
  private run: Float64Array;
  /** Weight of the actor in its `last` bucket. */
  private inLast: Float64Array;
  size = 0;

  constructor(private readonly windowBuckets: number) {
    this.fp = new Int32Array(INITIAL);
    this.last = new Int32Array(INITIAL);
    this.run = new Float64Array(INITIAL);
    this.inLast = new Float64Array(INITIAL);
  }

  /** Notes weight `w` of actor `h` (a fingerprint) in `bucket`. */
  add(h: number, bucket: number, w: number): void {
    const n = this.size;
    const fp = this.fp;
    for (let i = 0; i < n; i++) {
      if (fp[i] !== h) continue;
      const last = this.last[i]!;
      if (last < bucket - this.windowBuckets + 1) this.run[i] = 0;
      this.run[i]! += w;
      if (bucket > last) { this.last[i] = bucket; this.inLast[i] = w; } else if (bucket === last) this.inLast[i]! += w;
      return;
    }
    let at = n;
    if (n === fp.length && n < ACTOR_CAP) this.growTo(Math.min(ACTOR_CAP, n * 2));
    if (n === this.fp.length) {
      // Full: an actor out of the window makes room, else the lightest one, so the busiest
      // people (whom the decisions ask about) stay while the count stays saturated.
      at = 0;
      const stale = bucket - this.windowBuckets + 1;
      for (let i = 1; i < n; i++) {
        const si = this.last[i]! < stale, sa = this.last[at]! < stale;
        if (si !== sa ? si : si ? this.last[i]! < this.last[at]! : this.run[i]! < this.run[at]!) at = i;
      }
      if (this.last[at]! >= stale && this.run[at]! > w) return;
    } else {
      this.size = n + 1;
    }
    this.fp[at] = h; this.last[at] = bucket; this.run[at] = w; this.inLast[at] = w;
  }

  private growTo(m: number): void {
    const f = new Int32Array(m); f.set(this.fp); this.fp = f;
    const l = new Int32Array(m); l.set(this.last); this.last = l;
    const r = new Float64Array(m); r.set(this.run); this.run = r;
    const b = new Float64Array(m); b.set(this.inLast); this.inLast = b;
  }

  /** The largest weight one actor seen since `from` put into its current run (the busiest person's share). */
  topSince(from: number): number {
    let top = 0;
    for (let i = 0; i < this.size; i++) if (this.last[i]! >= from && this.run[i]! > top) top = this.run[i]!;
    return top;
  }

  /** The largest weight one actor put into `bucket`. */
  topIn(bucket: number): number {
    let top = 0;
    for (let i = 0; i < this.size; i++) if (this.last[i] === bucket && this.inLast[i]! > top) top = this.inLast[i]!;
    return top;
  }

  /** Distinct actors seen in buckets ≥ `from` (up to ACTOR_CAP). */
  since(from: number): number {
    let c = 0;
    for (let i = 0; i < this.size; i++) if (this.last[i]! >= from) c++;
    return c;
  }

  /** Newest bucket any actor was seen in. */
  newest(): number {
    let b = -2147483648;
    for (let i = 0; i < this.size; i++) if (this.last[i]! > b) b = this.last[i]!;
    return b;
  }

  bytes(): number { return 160 + this.fp.byteLength * 6; }
}

/** The actor of an event: its userId, else its sessionId; undefined when it has neither. */
export function actorHash(userId: string | undefined, sessionId: string | undefined): number | undefined {
  const a = userId ?? sessionId;
  return a === undefined || a === '' ? undefined : hashString(a) | 0;
}

/**
 * Actors seen in one open bucket, applied to the sets when it closes: (slot, actor, weight)
 * in parallel typed arrays, reused from bucket to bucket (no allocation per event).
 */
export class PendingActors {
  slots = new Int32Array(256);
  actors = new Int32Array(256);
  weights = new Float64Array(256);
  length = 0;
  private order = new Uint32Array(256);

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
   * Entry indexes in (slot, actor, weight) order: a fixed order whatever the arrival order,
   * so which actor a full set keeps never depends on how events were interleaved.
   */
  sorted(): Uint32Array {
    const n = this.length;
    if (this.order.length < n) this.order = new Uint32Array(this.slots.length);
    const o = this.order.subarray(0, n);
    for (let i = 0; i < n; i++) o[i] = i;
    const { slots, actors, weights } = this;
    o.sort((x, y) => slots[x]! - slots[y]! || actors[x]! - actors[y]! || weights[x]! - weights[y]!);
    return o;
  }

  bytes(): number { return this.slots.length * 20; }
}
