import type { HerdEvent } from '../events/schema.js';
import { formatDuration } from '../config/duration.js';
import {
  baselineParams, dispersion, fold, foldZeros, meanOf, surgeScore, varianceOf, type BaselineParams, type Moments,
} from './baseline.js';
import { ENGINE_WORDS, type Detector, type DetectorContext } from './detector.js';
import { RecentScan, SCAN_MARGIN } from './scan.js';
import { SiteTraffic } from './site.js';
import { TopK, type Candidate } from './topk.js';
import { fmt, makeTransition } from './transition.js';
import type { TrendingEntry, Transition } from './types.js';
import { WINDOW_WORDS, WindowStore } from './window.js';

const FIRING = 1;
const TRENDING = 2;
/** The key has been evaluated at least once (its birth bucket has closed). */
const EVALUATED = 4;
/** The key was first seen in the rule's first window: it existed before the engine started. */
const PREEXISTING = 8;
/** Consecutive buckets below the resolve bound before a surge counts as over: a fifth of the window, at least 3. */
export const resolveBuckets = (windowBuckets: number): number => Math.max(3, Math.ceil(windowBuckets / 5));
/** Expected counts are floored here so that lift stays finite for a key with no history. */
const MIN_EXPECTED = 1e-6;
/**
 * Lowest site factor applied under `relativeTo: site`. Below 1 it corrects keys' baselines
 * for the quiet hours (they lag the day curve) and for the hour after a site-wide surge
 * (which they partly absorbed); the floor keeps a partial outage that halves all traffic
 * from making every product look hot.
 */
export const MIN_SITE_FACTOR = 0.5;

interface Firing { onset: number; below: number }

/**
 * Words of a key's record (see KeyStore): the key itself, then the engine's last-seen
 * bucket, then these. Keeping them together puts all of a key's state in one or two cache lines.
 */
const FOLDED = ENGINE_WORDS; // Int32: buckets up to this one are in the baseline
const S = FOLDED + 1; // Float32: decayed Σx
const Q = FOLDED + 2; // Float32: decayed Σx²
const N = FOLDED + 3; // Float32: decayed Σ1
const WINDOW = FOLDED + 4; // the window store's inline cells
// The flag bits below live in the key store's spare bits of record word 0.
/** Words per key record for a surge rule (the key store's stride). */
export const SURGE_STRIDE = WINDOW + WINDOW_WORDS;

/**
 * surge: weighted count over the last `window` vs an adaptive baseline, per key.
 * See docs/engine.md for the decision; the essentials are in evaluate().
 */
export class SurgeDetector implements Detector {
  private readonly windows: WindowStore;
  private readonly site: SiteTraffic;
  private readonly p: BaselineParams;
  private readonly dirty = new Map<number, number[]>();
  private readonly firing = new Map<number, Firing>();
  /** Keys resolved recently: the first bucket at which each may fire again. */
  private readonly cooling = new Map<number, number>();
  private members: number[] = [];
  private snapshot: TrendingEntry[] = [];
  private readonly top: TopK;
  private readonly m: Moments = { s: 0, q: 0, n: 0 };
  private readonly W: number;
  private readonly scan: RecentScan;
  /** Site factor per sub-window length at this close (relativeTo site), and its least value. */
  private readonly recentFactor: Float64Array;
  private minRecentFactor = 1;
  private readonly cooldownBuckets: number;
  private readonly resolveLift: number;
  private readonly resolveAfter: number;
  readonly idleMs: number;

  constructor(private readonly ctx: DetectorContext) {
    const d = ctx.rule.detector;
    this.W = ctx.windowBuckets;
    this.scan = new RecentScan(this.W);
    this.recentFactor = new Float64Array(this.W + 1).fill(1);
    const ringSize = ctx.clock.ringSize(this.W);
    this.windows = new WindowStore(ctx.keys, WINDOW, ringSize, (slot, t) => this.foldThrough(slot, t));
    // Cold start prior: minEvents per window, worth a third of a window of history, so a
    // brand-new key needs minLift × minEvents in its first window to fire, and its own
    // history takes over after a few minutes.
    this.p = baselineParams(d.bucketMs, d.baselineHalfLifeMs, Math.max(1, Math.round(this.W / 3)), Math.max(d.minEvents, 1) / this.W);
    this.site = new SiteTraffic(ringSize, this.W, this.p);
    this.cooldownBuckets = Math.ceil(d.cooldownMs / d.bucketMs);
    // Fire at minLift, resolve only a quarter of the way back from 1: a wobbling surge stays one alert.
    this.resolveLift = 1 + (d.minLift - 1) / 4;
    this.resolveAfter = resolveBuckets(this.W);
    this.idleMs = Math.max(4 * d.baselineHalfLifeMs, d.windowMs + d.cooldownMs + d.allowedLatenessMs + (resolveBuckets(this.W) + 4) * d.bucketMs);
    const keys = ctx.keys;
    this.top = new TopK(d.topK, (a: Candidate, b: Candidate) =>
      a.score !== b.score ? a.score > b.score : keys.compare(a.slot, b.slot) < 0);
  }

  grow(): void {}

  /** Offset of a key's record in the key store (its words start at SURGE_WORD). */
  private rec(slot: number): number { return slot * this.ctx.keys.stride; }

  resetKey(slot: number, bucket: number): void {
    const o = this.rec(slot);
    const { i32, f32 } = this.ctx.keys;
    f32[o + S] = 0; f32[o + Q] = 0; f32[o + N] = 0;
    i32[o + FOLDED] = bucket - 1;
    this.ctx.keys.setUserBits(slot, 0);
    this.cooling.delete(slot);
    this.windows.reset(slot);
  }

  add(slot: number, bucket: number, weight: number, _ev: HerdEvent): void {
    if (!(weight > 0)) return; // weighs nothing: cannot change a count
    // An older event of a new key arriving second (within lateness) moves its birth back.
    const o = this.rec(slot);
    const i32 = this.ctx.keys.i32;
    if (bucket <= i32[o + FOLDED]! && (this.ctx.keys.userBits(slot) & EVALUATED) === 0 && this.ctx.keys.f32[o + N] === 0) i32[o + FOLDED] = bucket - 1;
    const floor = this.ctx.clock.lastClosed - this.W + 1;
    if (this.windows.add(slot, bucket, weight, floor)) {
      let list = this.dirty.get(bucket);
      if (list === undefined) this.dirty.set(bucket, (list = []));
      list.push(slot);
    }
    this.site.add(bucket, weight);
  }

  nextBusy(): number {
    let b = Number.POSITIVE_INFINITY;
    for (const k of this.dirty.keys()) if (k < b) b = k;
    return b;
  }

  quiet(): boolean { return this.firing.size === 0 && this.members.length === 0; }

  close(bucket: number, out: Transition[]): void {
    const siteLift = this.site.close(bucket);
    const relative = this.ctx.rule.detector.relativeTo === 'site';
    const siteFactor = relative ? Math.max(MIN_SITE_FACTOR, siteLift) : 1;
    if (relative) {
      // The same floor for the site factor of each recent sub-window (see RecentScan).
      const r = this.site.recentLift;
      let min = Number.POSITIVE_INFINITY;
      for (let k = 1; k <= this.W; k++) { const f = Math.max(MIN_SITE_FACTOR, r[k]!); this.recentFactor[k] = f; if (f < min) min = f; }
      this.minRecentFactor = min;
    }
    const found: Transition[] = [];
    this.top.reset();
    const list = this.dirty.get(bucket);
    this.dirty.delete(bucket);
    // Firing and trending keys are evaluated at every close, with or without events.
    const eager = new Set<number>(this.firing.keys());
    for (const slot of this.members) eager.add(slot);
    if (list !== undefined) {
      for (const slot of list) { this.evaluate(slot, bucket, siteFactor, found); eager.delete(slot); }
    }
    for (const slot of eager) this.evaluate(slot, bucket, siteFactor, found);
    const keys = this.ctx.keys;
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const t of found) out.push(t);
    for (const slot of this.members) keys.setUserBits(slot, keys.userBits(slot) & ~TRENDING);
    const best = this.top.sorted();
    this.members = best.map((c) => c.slot);
    for (const slot of this.members) keys.setUserBits(slot, keys.userBits(slot) | TRENDING);
    this.snapshot = best.map((c) => ({
      key: keys.keyOf(c.slot), value: c.value, baseline: c.baseline, lift: c.lift, score: c.score, firing: c.firing,
    }));
  }

  /**
   * Folds the key's buckets up to `t` into its baseline, oldest first. The baseline only
   * ever holds buckets that have left the window, so a surge is judged against what came
   * before it. Folding is a pure function of the bucket counts, so doing it at a close or
   * just before a cell is reused gives the same baseline.
   */
  private foldThrough(slot: number, t: number): void {
    const o = this.rec(slot);
    const f = this.ctx.keys.i32[o + FOLDED]!;
    if (t <= f) return;
    const m = this.m;
    const f32 = this.ctx.keys.f32;
    m.s = f32[o + S]!; m.q = f32[o + Q]!; m.n = f32[o + N]!;
    this.foldedTo = f;
    this.windows.forEach(slot, f + 1, t, this.foldOne);
    foldZeros(m, t - this.foldedTo, this.p);
    const out = this.ctx.keys.f32; // the same buffer: folding never grows the store
    out[o + S] = m.s; out[o + Q] = m.q; out[o + N] = m.n;
    this.ctx.keys.i32[o + FOLDED] = t;
  }

  /**
   * A bucket well above the baseline (over the resolve lift, and 2 on the score scale) is folded with an
   * 8× longer half-life once the key has a window of history: an ongoing surge barely moves
   * the baseline, while a lasting change of level is still learnt, slowly.
   */
  /** forEach callback of foldThrough, allocated once: folds the gap, then the bucket. */
  private foldedTo = 0;
  private readonly foldOne = (bucket: number, x: number): void => {
    foldZeros(this.m, bucket - this.foldedTo - 1, this.p);
    this.foldBucket(this.m, x);
    this.foldedTo = bucket;
  };

  private foldBucket(m: Moments, x: number): void {
    let slowed = false;
    if (m.n >= this.W - 1) {
      const mean = meanOf(m, this.p);
      slowed = x > this.resolveLift * mean && surgeScore(x, mean, dispersion(mean, varianceOf(m, this.p))) >= 2;
    }
    fold(m, x, slowed, this.p);
  }

  private evaluate(slot: number, b: number, siteFactor: number, found: Transition[]): void {
    const d = this.ctx.rule.detector;
    const o = this.rec(slot);
    const { i32, f32 } = this.ctx.keys;
    const keys = this.ctx.keys;
    const flags = keys.userBits(slot);
    if ((flags & EVALUATED) === 0) {
      // At the close of its first bucket a key's birth and the site's are both final.
      const birth = i32[o + FOLDED]! + 1;
      keys.setUserBits(slot, flags | EVALUATED | (birth < this.site.born + this.W ? PREEXISTING : 0));
    }
    const count = this.windows.sum(slot, b - this.W + 1, b);
    // Most keys are long-tail: below minEvents a key can neither fire nor trend, and its
    // baseline folds lazily anyway, so there is nothing to decide.
    if (count < d.minEvents && (flags & (FIRING | TRENDING)) === 0) return;
    this.foldThrough(slot, b - this.W);
    const m = this.m;
    m.s = f32[o + S]!; m.q = f32[o + Q]!; m.n = f32[o + N]!;
    const mean = meanOf(m, this.p);
    const phi = dispersion(mean, varianceOf(m, this.p));
    const expected = Math.max(mean * this.W, MIN_EXPECTED) * siteFactor;
    const lift = count / expected;
    const score = surgeScore(count, expected, phi);
    let firing = (flags & FIRING) !== 0;
    if (firing) {
      const f = this.firing.get(slot)!;
      f.below = lift < this.resolveLift || count < d.minEvents / 2 ? f.below + 1 : 0;
      if (f.below >= this.resolveAfter) {
        firing = false;
        this.firing.delete(slot);
        keys.setUserBits(slot, keys.userBits(slot) & ~FIRING);
        this.cooling.set(slot, b + 1 + this.cooldownBuckets);
        found.push(this.transition('resolved', slot, f.onset, b, count, expected, lift, score, siteFactor));
      }
    } else if (b >= (this.cooling.get(slot) ?? b) && count >= d.minEvents && this.settled(slot, m.n)) {
      const whole = lift >= d.minLift && score >= d.sensitivity;
      // Not yet over the whole window: has the recent part of it (since a step) jumped?
      const recent = !whole && this.scan.test(count, mean, d.relativeTo === 'site' ? this.recentFactor : null,
        this.minRecentFactor, phi, d.minEvents, d.minLift, d.sensitivity + SCAN_MARGIN,
        b - this.W + 1, (from, fn) => this.windows.forEach(slot, from, b, fn));
      if (whole || recent) {
        firing = true;
        this.firing.set(slot, { onset: b, below: 0 });
        keys.setUserBits(slot, keys.userBits(slot) | FIRING);
        // A firing reports the evidence it fired on: the recent sub-window's numbers when that was it.
        const h = this.scan.hit;
        found.push(recent
          ? this.transition('firing', slot, b, b, h.count, h.expected, h.count / Math.max(h.expected, MIN_EXPECTED), h.score,
            d.relativeTo === 'site' ? this.recentFactor[h.buckets]! : 1, count, expected)
          : this.transition('firing', slot, b, b, count, expected, lift, score, siteFactor));
      }
    }
    if (count >= d.minEvents && lift > 1 && this.top.admits(score)) {
      this.top.offer({ slot, score, value: count, baseline: expected, lift, firing });
    }
  }

  /**
   * A key first seen in the rule's first window was there before the engine started, so it
   * may only fire once it has a window of its own history. A key first seen later is new:
   * it is judged against the cold-start prior straight away.
   */
  private settled(slot: number, history: number): boolean {
    return (this.ctx.keys.userBits(slot) & PREEXISTING) === 0 || history >= this.W - 1;
  }

  private transition(state: 'firing' | 'resolved', slot: number, onset: number, b: number, count: number,
    expected: number, lift: number, score: number, siteFactor: number, windowCount?: number, windowExpected?: number): Transition {
    const d = this.ctx.rule.detector;
    const key = this.ctx.keys.keyOf(slot);
    const win = formatDuration(d.windowMs);
    const site = siteFactor !== 1 ? ` (site-wide traffic is ×${fmt(siteFactor)} its usual, already allowed for)` : '';
    const recent = windowCount !== undefined && windowExpected !== undefined
      ? `${key}: ${fmt(windowCount)} weighted events in ${win} (${fmt(windowCount / Math.max(windowExpected, MIN_EXPECTED))}× the ${fmt(windowExpected)} expected), `
        + `${fmt(count)} of them in the last ${formatDuration(this.scan.hit.buckets * d.bucketMs)}, ${fmt(lift)}× the ${fmt(expected)} expected there `
        + `(score ${fmt(score)} ≥ ${d.sensitivity + SCAN_MARGIN})`
      : undefined;
    const reason = state === 'firing'
      ? (recent ?? `${key}: ${fmt(count)} weighted events in ${win}, ${fmt(lift)}× the ${fmt(expected)} expected (score ${fmt(score)} ≥ ${d.sensitivity})`) + site
      : `${key}: back to ${fmt(lift)}× its usual rate (${fmt(count)} vs ${fmt(expected)} expected in ${win}) for ${this.resolveAfter} buckets`;
    const clock = this.ctx.clock;
    return makeTransition(this.ctx.rule, {
      state, key, onset: clock.startMs(onset), at: clock.endMs(b),
      value: count, baseline: expected, lift, score, reason,
    });
  }

  canEvict(slot: number): boolean {
    if ((this.ctx.keys.userBits(slot) & (FIRING | TRENDING)) !== 0) return false;
    const until = this.cooling.get(slot);
    if (until !== undefined && until > this.ctx.clock.lastClosed) return false;
    this.cooling.delete(slot);
    return true;
  }

  release(slot: number): void { this.windows.release(slot); }

  sweep(closed: number, budget: number): void {
    // Visit every ring at least every quarter window, so rings go back soon after a key cools.
    this.windows.sweepRings(closed - this.W + 1, Math.max(budget, Math.ceil((this.windows.activeRings() * 4) / this.W)));
  }

  trending(limit: number): TrendingEntry[] { return this.snapshot.slice(0, limit); }

  /** Rings in use (keys with events in three or more recent buckets). */
  activeRings(): number { return this.windows.activeRings(); }

  bytes(): number {
    // The per-key words are counted by the key store.
    return this.cooling.size * 40 + this.windows.bytes()
      + (this.firing.size + this.members.length) * 64 + this.snapshot.length * 128;
  }
}
