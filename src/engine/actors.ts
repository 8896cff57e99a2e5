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
 * A set holds 4 entries, growing to ACTOR_CAP: 128–512 bytes of entries plus ~120 of object,
 * array header and Map entry.
 */
export const ACTOR_CAP = 16;
const INITIAL = 4;

export class ActorSet {
  /**
   * One array, STRIDE numbers per entry: fingerprint, newest bucket seen, weight of its current
   * run (since it was last absent for a whole window: its share of the window, or more), weight
   * in its newest bucket. One typed array instead of four saves ~300 bytes per set.
   */
  private e: Float64Array;
  size = 0;

  constructor(private readonly windowBuckets: number) {
    this.e = new Float64Array(INITIAL * STRIDE);
  }

  /** Notes weight `w` of actor `h` (a fingerprint) in `bucket`. */
  add(h: number, bucket: number, w: number): void {
    const n = this.size;
    let e = this.e;
    for (let i = 0; i < n * STRIDE; i += STRIDE) {
      if (e[i] !== h) continue;
      const last = e[i + LAST]!;
      if (last < bucket - this.windowBuckets + 1) e[i + RUN] = 0;
      e[i + RUN]! += w;
      if (bucket > last) { e[i + LAST] = bucket; e[i + IN_LAST] = w; } else if (bucket === last) e[i + IN_LAST]! += w;
      return;
    }
    let at = n;
    if (n * STRIDE === e.length && n < ACTOR_CAP) {
      const grown = new Float64Array(Math.min(ACTOR_CAP, n * 2) * STRIDE);
      grown.set(e);
      this.e = e = grown;
    }
    if (n * STRIDE === e.length) {
      // Full: an actor out of the window makes room, else the lightest one, so the busiest
      // people (whom the decisions ask about) stay while the count stays saturated.
      at = 0;
      const stale = bucket - this.windowBuckets + 1;
      for (let i = 1; i < n; i++) {
        const li = e[i * STRIDE + LAST]!, la = e[at * STRIDE + LAST]!;
        const si = li < stale, sa = la < stale;
        if (si !== sa ? si : si ? li < la : e[i * STRIDE + RUN]! < e[at * STRIDE + RUN]!) at = i;
      }
      if (e[at * STRIDE + LAST]! >= stale && e[at * STRIDE + RUN]! > w) return;
    } else {
      this.size = n + 1;
    }
    const o = at * STRIDE;
    e[o] = h; e[o + LAST] = bucket; e[o + RUN] = w; e[o + IN_LAST] = w;
  }

  /** The largest weight one actor seen since `from` put into its current run (the busiest person's share). */
  topSince(from: number): number {
    let top = 0;
    const e = this.e;
    for (let i = 0; i < this.size * STRIDE; i += STRIDE) if (e[i + LAST]! >= from && e[i + RUN]! > top) top = e[i + RUN]!;
    return top;
  }

  /** The largest weight one actor put into `bucket`. */
  topIn(bucket: number): number {
    let top = 0;
    const e = this.e;
    for (let i = 0; i < this.size * STRIDE; i += STRIDE) if (e[i + LAST] === bucket && e[i + IN_LAST]! > top) top = e[i + IN_LAST]!;
    return top;
  }

  /** Distinct actors seen in buckets ≥ `from` (up to ACTOR_CAP). */
  since(from: number): number {
    let c = 0;
    const e = this.e;
    for (let i = 0; i < this.size * STRIDE; i += STRIDE) if (e[i + LAST]! >= from) c++;
    return c;
  }

  /** Newest bucket any actor was seen in. */
  newest(): number {
    let b = -2147483648;
    const e = this.e;
    for (let i = 0; i < this.size * STRIDE; i += STRIDE) if (e[i + LAST]! > b) b = e[i + LAST]!;
    return b;
  }

  bytes(): number { return 120 + this.e.byteLength; }
}

const STRIDE = 4;
const LAST = 1;
const RUN = 2;
const IN_LAST = 3;

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
