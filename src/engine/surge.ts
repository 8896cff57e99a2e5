import type { HerdEvent } from '../events/schema.js';
import { formatDuration } from '../config/duration.js';
import {
  baselineParams, dispersion, fold, foldZeros, meanOf, surgeScore, varianceOf, type BaselineParams, type Moments,
} from './baseline.js';
import { ACTOR_CAP } from './actors.js';
import { ENGINE_WORDS, type Detector, type DetectorContext } from './detector.js';
import { KEY_WORDS } from './keystore.js';
import { ACTOR_WORDS, KeyActors } from './key-actors.js';
import { designLiftFor, formatSpan, RunTracker, type RunState } from './cusum.js';
import { fieldReader, type FieldReader } from './fields.js';
import {
  addFolded, groupOfKey, GroupPriors, PRIOR_WORDS, resetKeyPrior, setGroupOfKey, type GroupPrior, type KeyParams,
} from './prior.js';
import { SiteTraffic } from './site.js';
import { seasonProfile, type SeasonProfile } from './seasonal.js';
import { TopK, type Candidate } from './topk.js';
import { fmt, makeTransition } from './transition.js';
import type { CompiledRule, TrendingEntry, Transition } from './types.js';
import { WINDOW_WORDS, WindowStore } from './window.js';

const FIRING = 1;
const TRENDING = 2;
/** The key has been evaluated at least once (its birth bucket has closed). */
const EVALUATED = 4;
/** The key was first seen in the rule's first window: it existed before the engine started. */
const PREEXISTING = 8;
/** The key's window has held minEvents at least once (it counts towards coverage). */
const REACHED = 16;
/** The key may be in `cooling` (set with its entry): keys without it skip the map lookup. */
const COOLING = 32;
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

interface Firing { onset: number; below: number; pagedLift: number; escalations: number }

/**
 * Words of a key's record (see KeyStore): the key itself, then the engine's last-seen
 * bucket, then these. Keeping them together puts all of a key's state in one or two cache lines;
 * what an event touches as it arrives (key, last seen, FOLDED, the window cells) comes first.
 */
const FOLDED = ENGINE_WORDS; // Int32: buckets up to this one are in the baseline
const WINDOW = FOLDED + 1; // the window store's inline cells
const S = WINDOW + WINDOW_WORDS; // Float32: decayed Σx
const Q = S + 1; // Float32: decayed Σx²
const N = S + 2; // Float32: decayed Σ1
// Moments of G-bucket group sums (about a minute): burstiness that spans buckets (one shopper
// coming back over a minute) is invisible in per-bucket variance but not in these.
const GS = S + 3; // Float32: decayed Σy over whole groups y
const GQ = GS + 1; // Float32: decayed Σy²
const GN = GS + 2; // Float32: decayed Σ1
const GP = GS + 3; // Float32: sum of the current, unfinished group so far
const RUN_COUNT = GS + 4; // Float32: weighted count of the key's run (see cusum.ts); 0 when none
const RUN_EXPECTED = GS + 5; // Float32: the run's expected count
const RUN_START = GS + 6; // Int32: the run's first bucket
const RUN_LAST = GS + 7; // Int32: the newest bucket the run has taken in
// The flag bits below live in the key store's spare bits of record word 0.
/** Words per key record of every surge rule (the key store's stride without the optional parts below). */
export const SURGE_STRIDE = GS + 8;
/**
 * Optional parts, after those, only in rules that use them: the key's recent actor (ACTOR_WORDS,
 * when minActors > 1; see KeyActors), then its prior (PRIOR_WORDS, with priorBy; see prior.ts).
 */
const ACTORS = SURGE_STRIDE;
const actorWords = (rule: CompiledRule): number => (rule.detector.minActors > 1 ? ACTOR_WORDS : 0);
/** What the words of a surge key's record hold, and how many (the benchmark itemises them). */
export const SURGE_RECORD_WORDS: readonly (readonly [string, number])[] = [
  ['the key (its length and flags, 12 bytes inline)', KEY_WORDS],
  ['the last bucket it was seen in', ENGINE_WORDS - KEY_WORDS],
  ['its baseline (folded-to bucket, decayed Σx, Σx², Σ1)', 4],
  ['two inline window cells (bucket, count)', WINDOW_WORDS],
  ['the minute-group dispersion (Σy, Σy², Σ1, the open group)', 4],
  ['the CUSUM run (count, expected, first and last bucket)', 4],
];
/** Words per key record of a surge rule: SURGE_STRIDE, plus the optional parts it uses. */
export const surgeStride = (rule: CompiledRule): number =>
  SURGE_STRIDE + actorWords(rule) + (rule.detector.priorBy === undefined ? 0 : PRIOR_WORDS);

/**
 * surge: weighted count over the last `window` vs an adaptive baseline, per key.
 * See docs/engine.md for the decision; the essentials are in evaluate().
 */
export class SurgeDetector implements Detector {
  private readonly windows: WindowStore;
  private readonly site: SiteTraffic;
  private readonly p: BaselineParams;
  private readonly pg: BaselineParams;
  private readonly G: number;
  private readonly g: Moments = { s: 0, q: 0, n: 0 };
  private gPartial = 0;
  private readonly dirty = new Map<number, number[]>();
  /** The bucket of the last key listed and its list: consecutive events mostly share one (no Map lookup). */
  private lastDirtyBucket = 0;
  private lastDirty: number[] | null = null;
  private readonly firing = new Map<number, Firing>();
  /** Keys resolved recently: the first bucket at which each may fire again. */
  private readonly cooling = new Map<number, number>();
  private members: number[] = [];
  private snapshot: TrendingEntry[] = [];
  private readonly top: TopK;
  private readonly m: Moments = { s: 0, q: 0, n: 0 };
  private readonly W: number;
  private readonly runs: RunTracker;
  private readonly run: RunState = { count: 0, expected: 0, start: 0, last: 0 };
  /** Per-bucket baseline rate of the key being evaluated, for runExpected. */
  private rate = 0;
  private readonly runExpected = (n: number): number =>
    this.rate * n * (this.scaled ? this.recentFactor[Math.min(n, this.W)]! : 1);
  /** Site factor per sub-window length at this close (relativeTo site), and its least value. */
  private readonly recentFactor: Float64Array;
  /** The rule's time-of-day profile (seasonality daily/weekly), and its mean factor over the newest k buckets at this close. */
  private readonly season: SeasonProfile | null;
  private readonly seasonal: Float64Array;
  /** Whether expectations carry a factor per sub-window (relativeTo site, or a season profile). */
  private readonly scaled: boolean;
  private readonly cooldownBuckets: number;
  /** Keys held whose window has reached minEvents at least once (REACHED set). */
  private reached = 0;
  /** Distinct people behind each key's recent events (null with minActors 1: not counted). */
  private readonly actors: KeyActors | null;
  private readonly counted: string;
  private readonly resolveLift: number;
  /** priorBy: the groups' priors, the field naming a key's group, and the prior in force for the key being judged. */
  private readonly prior: GroupPriors | null;
  private readonly readGroup: FieldReader | null;
  private readonly kp: KeyParams;
  private readonly kpg: KeyParams;
  private readonly gp: GroupPrior = { n0: 0, r0: 0, v0: 0 };
  private keyP: BaselineParams;
  private keyPg: BaselineParams;
  private readonly resolveAfter: number;
  /** Record word where the key's prior words start (with priorBy). */
  private readonly priorAt: number;
  readonly idleMs: number;

  constructor(private readonly ctx: DetectorContext) {
    const d = ctx.rule.detector;
    this.W = ctx.windowBuckets;
    this.runs = new RunTracker(designLiftFor(d.minLift));
    this.recentFactor = new Float64Array(this.W + 1).fill(1);
    const ringSize = ctx.clock.ringSize(this.W);
    this.windows = new WindowStore(ctx.keys, WINDOW, ringSize, (slot, t) => this.foldThrough(slot, t));
    // Cold start prior: minEvents per window, worth a third of a window of history, so a
    // brand-new key needs minLift × minEvents in its first window to fire, and its own
    // history takes over after a few minutes.
    this.p = baselineParams(d.bucketMs, d.baselineHalfLifeMs, Math.max(1, Math.round(this.W / 3)), Math.max(d.minEvents, 1) / this.W);
    // Groups of about a minute, at most half the window: G = 1 turns the group dispersion off.
    this.G = Math.max(1, Math.min(Math.floor(this.W / 2), Math.round(60_000 / d.bucketMs)));
    this.pg = baselineParams(d.bucketMs * this.G, d.baselineHalfLifeMs, Math.max(1, Math.round(this.W / 3 / this.G)), (Math.max(d.minEvents, 1) / this.W) * this.G);
    this.prior = d.priorBy === undefined ? null : new GroupPriors(this.p.a, this.W);
    this.readGroup = d.priorBy === undefined ? null : fieldReader(d.priorBy);
    this.kp = { ...this.p }; this.kpg = { ...this.pg };
    this.keyP = this.p; this.keyPg = this.pg;
    this.season = seasonProfile(d.seasonality, d.bucketMs, ringSize, this.idleMsFor(d));
    this.seasonal = new Float64Array(this.W + 1).fill(1);
    this.scaled = d.relativeTo === 'site' || this.season !== null;
    // A key folds its history at most an idle period (then it starts over) and a ring behind: the
    // site keeps its tracking gaps that long.
    this.site = new SiteTraffic(ringSize, this.W, this.p, this.season, () => ctx.clock.absolute(0),
      Math.ceil(this.idleMsFor(d) / d.bucketMs) + ringSize + this.W + 1);
    this.cooldownBuckets = Math.ceil(d.cooldownMs / d.bucketMs);
    // Fire at minLift, resolve only a quarter of the way back from 1: a wobbling surge stays one alert.
    this.resolveLift = 1 + (d.minLift - 1) / 4;
    this.resolveAfter = resolveBuckets(this.W);
    this.counted = countedWords(ctx.rule);
    // minActors 1 turns actor tracking off (and with it the busiest-person rule): the engine's fast path.
    this.actors = d.minActors > 1 ? new KeyActors(ctx.keys, ACTORS, this.W) : null;
    this.priorAt = ACTORS + actorWords(ctx.rule);
    this.idleMs = this.idleMsFor(d);
    const keys = ctx.keys;
    this.top = new TopK(d.topK, (a: Candidate, b: Candidate) =>
      a.score !== b.score ? a.score > b.score : keys.compare(a.slot, b.slot) < 0);
  }

  private idleMsFor(d: CompiledRule['detector']): number {
    return Math.max(4 * d.baselineHalfLifeMs, d.windowMs + d.cooldownMs + d.allowedLatenessMs + (resolveBuckets(this.W) + 4) * d.bucketMs);
  }

  grow(): void {}

  /** Offset of a key's record in the key store (its words start at SURGE_WORD). */
  private rec(slot: number): number { return slot * this.ctx.keys.stride; }

  resetKey(slot: number, bucket: number): void {
    this.forget(slot);
    const o = this.rec(slot);
    const { i32, f32 } = this.ctx.keys;
    f32[o + S] = 0; f32[o + Q] = 0; f32[o + N] = 0;
    f32[o + GS] = 0; f32[o + GQ] = 0; f32[o + GN] = 0; f32[o + GP] = 0;
    f32[o + RUN_COUNT] = 0; f32[o + RUN_EXPECTED] = 0;
    i32[o + RUN_LAST] = bucket - 1;
    i32[o + FOLDED] = bucket - 1;
    this.actors?.reset(slot);
    if (this.prior !== null) resetKeyPrior(i32, o + this.priorAt, bucket);
    this.ctx.keys.setUserBits(slot, 0);
    this.cooling.delete(slot);
    this.windows.reset(slot);
  }

  add(slot: number, bucket: number, weight: number, ev: HerdEvent): void {
    if (!(weight > 0)) return; // weighs nothing: cannot change a count
    // Actors are applied at their bucket's close, in a fixed order: a set then only ever holds
    // closed buckets, so no decision can see an actor from a bucket after the one it judges.
    this.actors?.add(slot, bucket, weight, ev);
    // An older event of a new key arriving second (within lateness) moves its birth back.
    const o = this.rec(slot);
    const i32 = this.ctx.keys.i32;
    if (bucket <= i32[o + FOLDED]! && (this.ctx.keys.userBits(slot) & EVALUATED) === 0 && this.ctx.keys.f32[o + N] === 0) {
      i32[o + FOLDED] = bucket - 1;
      if (this.prior !== null) resetKeyPrior(i32, o + this.priorAt, bucket);
    }
    // Without priorBy the hot path reads no more than it did.
    if (this.prior !== null && (this.ctx.keys.userBits(slot) & EVALUATED) === 0) this.noteGroup(o, bucket, ev, this.prior);
    const floor = this.ctx.clock.lastClosed - this.W + 1;
    if (this.windows.add(slot, bucket, weight, floor)) {
      let list = this.lastDirty;
      if (bucket !== this.lastDirtyBucket || list === null) {
        list = this.dirty.get(bucket) ?? null;
        if (list === null) this.dirty.set(bucket, (list = []));
        this.lastDirtyBucket = bucket;
        this.lastDirty = list;
      }
      list.push(slot);
    }
    this.site.add(bucket, weight);
  }

  /**
   * A key's group is the first by name among those its birth bucket's events name: every event
   * of that bucket is in by its close, whatever order they came in, and the key is not judged before.
   */
  private noteGroup(o: number, bucket: number, ev: HerdEvent, prior: GroupPriors): void {
    const i32 = this.ctx.keys.i32;
    if (bucket !== i32[o + FOLDED]! + 1) return;
    const v = this.readGroup!(ev);
    setGroupOfKey(i32, o + this.priorAt, prior.first(groupOfKey(i32, o + this.priorAt), prior.groupOf(v)));
  }

  /** The busiest actor's weight among those seen since `from` (all of `count` when the key has had one actor). */
  private topActor(slot: number, from: number, count: number): number {
    return this.actors === null ? 0 : this.actors.top(slot, from, count);
  }

  /** Distinct actors of the key seen in buckets ≥ from. */
  private actorsSince(slot: number, from: number): number {
    return this.actors === null ? Number.POSITIVE_INFINITY : this.actors.since(slot, from);
  }

  nextBusy(): number {
    let b = Number.POSITIVE_INFINITY;
    for (const k of this.dirty.keys()) if (k < b) b = k;
    return b;
  }

  quiet(): boolean { return this.firing.size === 0 && this.members.length === 0; }

  close(bucket: number, out: Transition[]): void {
    const season = this.season;
    if (season !== null) this.seasonalFactors(bucket, season);
    const siteLift = this.site.close(bucket, season === null ? null : this.seasonal);
    const relative = this.ctx.rule.detector.relativeTo === 'site';
    const siteFactor = (relative ? Math.max(MIN_SITE_FACTOR, siteLift) : 1) * this.seasonal[this.W]!;
    if (this.scaled) {
      // The same floor for the site factor of each recent sub-window (see RecentScan), times the time of day's.
      const r = this.site.recentLift;
      for (let k = 1; k <= this.W; k++) this.recentFactor[k] = (relative ? Math.max(MIN_SITE_FACTOR, r[k]!) : 1) * this.seasonal[k]!;
    }
    const found: Transition[] = [];
    this.top.reset();
    const list = this.dirty.get(bucket);
    this.dirty.delete(bucket);
    if (list === this.lastDirty) this.lastDirty = null;
    // Firing and trending keys are evaluated at every close, with or without events.
    const eager = new Set<number>(this.firing.keys());
    for (const slot of this.members) eager.add(slot);
    const visit = (slot: number): void => { this.evaluate(slot, bucket, siteFactor, found); eager.delete(slot); };
    // With actors, the keys with events in the bucket are those with actors pending in it: each
    // is judged right after its actors are applied (one visit of its record, in slot order; the
    // order keys are judged in never changes a decision). Without actors, in the list's order.
    const visited = this.actors === null ? 0 : this.actors.close(bucket, visit);
    if (list !== undefined) {
      if (visited === 0) for (const slot of list) visit(slot);
      else if (visited !== list.length) this.visitRest(list, visit);
      if (this.prior !== null) { for (const slot of list) this.samplePrior(slot, bucket, this.prior); this.prior.flush(bucket); }
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
      ...(Number.isFinite(c.actors) ? { actors: c.actors } : {}),
    }));
  }

  /** Keys of `list` the actor pass did not visit (none, as every event adds to both): judged all the same. */
  private visitRest(list: readonly number[], visit: (slot: number) => void): void {
    const done = new Set(this.actors!.lastVisited());
    for (const slot of list) if (!done.has(slot)) { done.add(slot); visit(slot); }
  }

  /**
   * seasonal[k]: the mean profile factor of the newest k buckets of the window closing now. The
   * site is folded up to the window first, which takes the profile snapshot of today if due.
   */
  private seasonalFactors(bucket: number, season: SeasonProfile): void {
    this.site.foldThrough(bucket - this.W);
    const o = this.ctx.clock.absolute(0);
    let sum = 0;
    for (let k = 1; k <= this.W; k++) { sum += season.factor(bucket - k + 1 + o); this.seasonal[k] = sum / k; }
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
    const g = this.g;
    g.s = f32[o + GS]!; g.q = f32[o + GQ]!; g.n = f32[o + GN]!; this.gPartial = f32[o + GP]!;
    this.foldedTo = f;
    this.foldedSum = 0;
    // The site's tracking gaps (and with seasonality its profile: buckets are folded de-seasonalised)
    // must be known up to t.
    this.site.foldThrough(t);
    if (this.season !== null) this.origin = this.ctx.clock.absolute(0);
    this.windows.forEach(slot, f + 1, t, this.foldOne);
    foldZeros(m, this.site.live(this.foldedTo + 1, t), this.p);
    this.groupTo(t, 0);
    if (this.prior !== null) addFolded(this.ctx.keys.i32, o + this.priorAt, this.foldedSum);
    const out = this.ctx.keys.f32; // the same buffer: folding never grows the store
    out[o + S] = m.s; out[o + Q] = m.q; out[o + N] = m.n;
    out[o + GS] = g.s; out[o + GQ] = g.q; out[o + GN] = g.n; out[o + GP] = this.gPartial;
    this.ctx.keys.i32[o + FOLDED] = t;
  }

  /**
   * A bucket well above the baseline (over minLift, and 2 on the score scale) is folded with an
   * 8× longer half-life once the key has a window of history: an ongoing surge barely moves
   * the baseline, while a lasting change of level is still learnt, slowly. Not from the resolve
   * lift (1.25): the site's baseline folds at the usual pace, and keys whose buckets sat
   * 1.3× above a baseline lagging the daily rise were slowed, lagged further behind the site
   * and looked elevated against the site factor (most false alerts on the simulator were
   * there, in the morning rise).
   */
  /** forEach callback of foldThrough, allocated once: folds the gap, then the bucket. */
  private foldedTo = 0;
  /** Weighted count folded by the current foldThrough (exact): the prior's count per key. */
  private foldedSum = 0;
  private origin = 0;
  private readonly foldOne = (bucket: number, count: number): void => {
    const x = this.season === null ? count : count / this.season.factor(bucket + this.origin);
    // Buckets of a site-wide tracking gap are not history: skipped, not folded as zeros.
    foldZeros(this.m, this.site.live(this.foldedTo + 1, bucket - 1), this.p);
    this.foldBucket(this.m, x);
    this.groupTo(bucket, x);
    this.foldedTo = bucket;
    this.foldedSum += count;
  };

  /**
   * Moves the group moments from the bucket folded last (foldedTo) to `bucket`, whose count is
   * x: groups finished on the way are folded (empty ones in closed form), x joins its group.
   */
  private groupTo(bucket: number, x: number): void {
    const G = this.G;
    if (G === 1) return;
    // Groups are aligned to absolute buckets: relative numbers depend on which event arrived first.
    const base = this.ctx.clock.absolute(0);
    const from = Math.floor((this.foldedTo + base) / G);
    const to = Math.floor((bucket + base) / G);
    if (to > from) {
      // A group well above the key's usual level (a surge leaving the window) is folded slowly,
      // like its buckets: a surge must not inflate the dispersion that judges the next one.
      // Judged against the group moments themselves: they only change at group boundaries, so the
      // decision does not depend on when folding happens (at a close or when a cell is reused).
      // A group cut by a site-wide tracking gap is left out, and so are the empty groups within it.
      const g = this.g;
      const site = this.site;
      if (site.liveGroups(from, from, G, base) === 1) {
        const high = g.n >= (this.W - 1) / G && this.gPartial > this.resolveLift * meanOf(g, this.pg);
        fold(this.g, this.gPartial, high, this.pg);
      }
      foldZeros(this.g, site.liveGroups(from + 1, to - 1, G, base), this.pg);
      // Rounded as they are stored (float32) at every step, so folding in one go or in pieces
      // (at a close, or when a cell is reused, which depends on arrival order) gives the same bits.
      g.s = Math.fround(g.s); g.q = Math.fround(g.q); g.n = Math.fround(g.n);
      this.gPartial = 0;
    }
    this.gPartial += x;
  }

  /**
   * priorBy: a key with events in `b`; its rate through the bucket leaving the window joins its
   * group's samples. Buckets not folded yet are still in the window store and are added, not
   * folded: an extra fold here would split folds differently from a rule without priorBy.
   */
  private samplePrior(slot: number, b: number, prior: GroupPriors): void {
    const o = this.rec(slot);
    const folded = this.ctx.keys.i32[o + FOLDED]!;
    const pending = folded < b - this.W ? this.windows.sum(slot, folded + 1, b - this.W) : 0;
    prior.sampleKey(this.ctx.keys.i32, o + this.priorAt, b - this.W, pending);
  }

  /**
   * The prior the key is judged with (keyP, keyPg): its group's when priorBy is set and the
   * group has enough support, else the flat one. Folding always uses the flat one: a fold may
   * happen at a close or when a cell is reused, and must not depend on which.
   */
  private usePrior(slot: number, b: number): void {
    this.keyP = this.p; this.keyPg = this.pg;
    const prior = this.prior;
    if (prior === null || !prior.prior(groupOfKey(this.ctx.keys.i32, this.rec(slot) + this.priorAt), b, this.gp)) return;
    const { n0, r0, v0 } = this.gp;
    const kp = this.kp, kg = this.kpg, G = this.G;
    kp.n0 = n0; kp.r0 = r0; kp.v0 = v0;
    kg.n0 = Math.max(1, n0 / G); kg.r0 = r0 * G; kg.v0 = v0 * G;
    this.keyP = kp; this.keyPg = kg;
  }

  /**
   * priorBy: says so when the expectation of the key being judged comes more from its group
   * than from its own history (the prior outweighs what the key has folded so far).
   */
  private priorNote(slot: number): string {
    if (this.keyP === this.p || this.m.n >= this.kp.n0) return '';
    const name = this.prior!.nameOf(groupOfKey(this.ctx.keys.i32, this.rec(slot) + this.priorAt));
    return `; expected mostly from its ${this.ctx.rule.detector.priorBy} "${name}", whose keys typically count ${fmt(this.kp.r0 * this.W)} in ${formatDuration(this.ctx.rule.detector.windowMs)}, as its own history is short`;
  }

  /** priorBy: what a new key of `group` would expect in a window now (before site and season factors); undefined without a prior. */
  priorOf(group: string): number | undefined {
    const g = this.prior?.find(group);
    if (g === undefined || !this.prior!.prior(g, this.ctx.clock.lastClosed, this.gp)) return undefined;
    return this.gp.r0 * this.W;
  }

  /** Dispersion of the key's counts: per bucket, or per group of buckets when that is larger. */
  private dispersionOf(slot: number, mean: number): number {
    const phi = dispersion(mean, varianceOf(this.m, this.keyP));
    if (this.G === 1) return phi;
    const o = this.rec(slot);
    const f32 = this.ctx.keys.f32;
    const g = this.g;
    g.s = f32[o + GS]!; g.q = f32[o + GQ]!; g.n = f32[o + GN]!;
    const gm = meanOf(g, this.keyPg);
    return Math.max(phi, dispersion(gm, varianceOf(g, this.keyPg)));
  }

  private foldBucket(m: Moments, x: number): void {
    let slowed = false;
    if (m.n >= this.W - 1) {
      const mean = meanOf(m, this.p);
      slowed = x > this.ctx.rule.detector.minLift * mean && surgeScore(x, mean, dispersion(mean, varianceOf(m, this.p))) >= 2;
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
    const count = this.windowCount(slot, b);
    this.foldThrough(slot, b - this.W);
    const m = this.m;
    m.s = f32[o + S]!; m.q = f32[o + Q]!; m.n = f32[o + N]!;
    this.usePrior(slot, b);
    const mean = meanOf(m, this.keyP);
    let firing = (flags & FIRING) !== 0;
    const settled = this.settled(slot, m.n);
    const cooled = (flags & COOLING) === 0 || b >= (this.cooling.get(slot) ?? b);
    const run = this.advanceRun(slot, b, mean, settled && !firing && cooled);
    // Most keys are long-tail: below minEvents in both the window and the run a key can
    // neither fire nor trend, so there is nothing more to decide.
    if (count < d.minEvents && run.count < d.minEvents && (flags & (FIRING | TRENDING)) === 0) return;
    const phi = this.dispersionOf(slot, mean);
    const expected = Math.max(mean * this.W, MIN_EXPECTED) * siteFactor;
    const lift = count / expected;
    const score = surgeScore(count, expected, phi);
    const actors = this.actorsSince(slot, b - this.W + 1);
    if (firing) {
      const f = this.firing.get(slot)!;
      f.below = lift < this.resolveLift || count < d.minEvents / 2 ? f.below + 1 : 0;
      if (f.below >= this.resolveAfter) {
        firing = false;
        this.firing.delete(slot);
        keys.setUserBits(slot, keys.userBits(slot) & ~FIRING);
        this.cooling.set(slot, b + 1 + this.cooldownBuckets);
        keys.setUserBits(slot, keys.userBits(slot) | COOLING);
        found.push(this.transition('resolved', slot, f.onset, b, count, expected, lift, score, siteFactor, actors));
      } else if (f.below === 0 && lift >= d.escalateAt * f.pagedLift && score >= d.sensitivity && actors >= d.minActors) {
        // The open alert got much worse: update it (same id), and measure the next step from here.
        f.escalations++;
        found.push(this.transition('escalated', slot, f.onset, b, count, expected, lift, score, siteFactor, actors, f));
        f.pagedLift = lift;
      }
    } else if (run.count >= d.minEvents) {
      const e = Math.max(run.expected, MIN_EXPECTED);
      const runLift = run.count / e;
      const runScore = surgeScore(run.count, e, phi);
      // A herd is many people: minActors of them in the run's recent part (up to a window), and
      // the run must hold the lift and the score without the busiest one of them (a bot, one big
      // buyer) too: one shopper's four purchases on top of a noisy but ordinary run must not be
      // what carries it over the bar. Their weight is taken off even when they are most of the
      // recent traffic now: advanceRun leaves a person out only while they are most of it when
      // they act, so a shopper who was not then is still in the run (simulator seed 9 paged so).
      const from = Math.max(run.start, b - this.W + 1);
      const people = this.actorsSince(slot, from);
      const rest = run.count - this.topActor(slot, from, run.count);
      if (runLift >= d.minLift && runScore >= d.sensitivity && people >= d.minActors && rest >= d.minLift * e && surgeScore(rest, e, phi) >= d.sensitivity) {
        firing = true;
        this.firing.set(slot, { onset: run.start, below: 0, pagedLift: runLift, escalations: 0 });
        keys.setUserBits(slot, keys.userBits(slot) | FIRING);
        found.push(this.runFiring(slot, b, run, e, runScore, phi, people));
        this.runs.clear(run, b); // the run starts over once the alert is over
        f32[o + RUN_COUNT] = 0;
      }
    }
    if (count >= d.minEvents && lift > 1 && this.top.admits(score)) {
      this.top.offer({ slot, score, value: count, baseline: expected, lift, firing, actors });
    }
  }

  /**
   * Moves the key's run (cusum.ts) to bucket b. The bucket's busiest person does not count while
   * one person is most of the run's recent traffic and at least half of minEvents: a bot or one
   * big buyer cannot start or feed a run, and their weight cannot linger in a run once they stop.
   * No run while the key fires (the alert covers it), cools down after an alert, or has not settled:
   * a run only holds evidence the key could page on, so it never pages late on a burst that is over.
   */
  private advanceRun(slot: number, b: number, mean: number, open: boolean): RunState {
    const o = this.rec(slot);
    const { i32, f32 } = this.ctx.keys;
    const run = this.run;
    run.count = f32[o + RUN_COUNT]!;
    run.expected = f32[o + RUN_EXPECTED]!;
    run.start = i32[o + RUN_START]!;
    run.last = i32[o + RUN_LAST]!;
    if (!open) {
      this.runs.clear(run, b);
    } else {
      let x = this.windows.sum(slot, b, b);
      if (x > 0 && this.dominant(slot, run.count > 0 ? Math.max(run.start, b - this.W + 1) : b, b)) x -= this.busiestIn(slot, b, x);
      this.rate = mean;
      this.runs.advance(run, b, x, this.runExpected);
    }
    // Read back as stored (float32), so this close decides on what the next one will read.
    f32[o + RUN_COUNT] = run.count; run.count = f32[o + RUN_COUNT]!;
    f32[o + RUN_EXPECTED] = run.expected; run.expected = f32[o + RUN_EXPECTED]!;
    i32[o + RUN_START] = run.start;
    i32[o + RUN_LAST] = run.last;
    return run;
  }

  /** Whether one person is at least half of the key's traffic in buckets from..b, and at least half of minEvents. */
  private dominant(slot: number, from: number, b: number): boolean {
    if (this.actors === null) return false;
    const recent = this.windows.sum(slot, from, b);
    const half = this.ctx.rule.detector.minEvents / 2;
    return recent >= half && this.topActor(slot, from, recent) >= Math.max(half, recent / 2);
  }

  /** The busiest person's weight in bucket b (all of x when the key has one recent actor). */
  private busiestIn(slot: number, b: number, x: number): number {
    return this.actors === null ? x : Math.min(x, this.actors.topIn(slot, b, x));
  }

  /**
   * A key first seen in the rule's first window was there before the engine started, so it
   * may only fire once it has a window of its own history. A key first seen later is new:
   * it is judged against the cold-start prior straight away.
   */
  private settled(slot: number, history: number): boolean {
    return (this.ctx.keys.userBits(slot) & PREEXISTING) === 0 || history >= this.W - 1;
  }

  private unit(): string { return this.ctx.rule.weightBy === 'quantity' ? 'weighted units' : 'weighted events'; }

  private people(actors: number): string {
    return !Number.isFinite(actors) ? 'people not counted (minActors 1)' : `${actors >= ACTOR_CAP ? `${ACTOR_CAP}+` : actors} ${actors === 1 ? 'person' : 'people'}`;
  }

  private siteNote(factor: number): string {
    if (factor === 1) return '';
    return this.season === null
      ? ` (site-wide traffic is ×${fmt(factor)} its usual, already allowed for)`
      : ` (×${fmt(factor)} for ${this.ctx.rule.detector.relativeTo === 'site' ? 'site-wide traffic and ' : ''}the time of day, already allowed for)`;
  }

  /** A firing on the key's run: what was counted since the run began, against what was expected over the same span. */
  private runFiring(slot: number, b: number, run: RunState, expected: number, score: number, phi: number, actors: number): Transition {
    const d = this.ctx.rule.detector;
    const clock = this.ctx.clock;
    const key = this.ctx.keys.keyOf(slot);
    const n = b - run.start + 1;
    const since = new Date(clock.startMs(run.start)).toISOString().slice(11, 16);
    const lift = run.count / expected;
    const recent = n > this.W ? ` in the last ${formatDuration(d.windowMs)}` : '';
    const factor = this.scaled ? this.recentFactor[Math.min(n, this.W)]! : 1;
    const reason = `${key}: ${fmt(run.count)} ${this.unit()} since ${since} UTC (for ${formatSpan(n * d.bucketMs)}) vs ${fmt(expected)} expected, `
      + `×${fmt(lift)}, from ${this.people(actors)}${recent} (score ${fmt(score)} ≥ ${d.sensitivity}, dispersion ${fmt(phi)})${this.siteNote(factor)}${this.priorNote(slot)}`;
    return makeTransition(this.ctx.rule, {
      state: 'firing', key, onset: clock.startMs(run.start), at: clock.endMs(b),
      value: run.count, baseline: expected, lift, score, reason, counted: this.counted, ...(Number.isFinite(actors) ? { actors } : {}),
    });
  }

  private transition(state: 'escalated' | 'resolved', slot: number, onset: number, b: number, count: number,
    expected: number, lift: number, score: number, siteFactor: number, actors: number, firing?: Firing): Transition {
    const d = this.ctx.rule.detector;
    const key = this.ctx.keys.keyOf(slot);
    const win = formatDuration(d.windowMs);
    const reason = state === 'escalated'
      ? `${key}: now ${fmt(lift)}× its usual rate (was ${fmt(firing!.pagedLift)}× when last paged; escalates at ×${d.escalateAt}): `
        + `${fmt(count)} ${this.unit()} in ${win} vs ${fmt(expected)} expected, from ${this.people(actors)}${this.siteNote(siteFactor)}`
      : `${key}: back to ${fmt(lift)}× its usual rate (${fmt(count)} vs ${fmt(expected)} expected in ${win}) for ${this.resolveAfter} buckets`;
    const clock = this.ctx.clock;
    return makeTransition(this.ctx.rule, {
      state, key, onset: clock.startMs(onset), at: clock.endMs(b),
      value: count, baseline: expected, lift, score, reason, counted: this.counted, ...(Number.isFinite(actors) ? { actors } : {}),
      ...(state === 'escalated' ? { pagedLift: firing!.pagedLift, escalation: firing!.escalations } : {}),
    });
  }

  canEvict(slot: number): boolean {
    if ((this.ctx.keys.userBits(slot) & (FIRING | TRENDING)) !== 0) return false;
    const until = this.cooling.get(slot);
    if (until !== undefined && until > this.ctx.clock.lastClosed) return false;
    this.cooling.delete(slot);
    return true;
  }

  release(slot: number): void { this.forget(slot); this.windows.release(slot); this.actors?.release(slot); }

  /** A key leaving (evicted, or starting over) no longer counts towards coverage. */
  private forget(slot: number): void {
    const keys = this.ctx.keys;
    if (keys.isLive(slot) && (keys.userBits(slot) & REACHED) !== 0) { this.reached--; keys.setUserBits(slot, keys.userBits(slot) & ~REACHED); }
  }

  coverage(): number { return this.reached; }

  /** The key's weighted count over the window ending at `b`; a key reaching minEvents counts towards coverage. */
  private windowCount(slot: number, b: number): number {
    const count = this.windows.sum(slot, b - this.W + 1, b);
    if (count >= this.ctx.rule.detector.minEvents) {
      const keys = this.ctx.keys;
      const bits = keys.userBits(slot);
      if ((bits & REACHED) === 0) { keys.setUserBits(slot, bits | REACHED); this.reached++; }
    }
    return count;
  }

  sweep(closed: number, budget: number): void {
    this.actors?.prune(closed - this.W + 1, budget);
    // Visit every ring at least every quarter window, so rings go back soon after a key cools.
    this.windows.sweepRings(closed - this.W + 1, Math.max(budget, Math.ceil((this.windows.activeRings() * 4) / this.W)));
  }

  trending(limit: number): TrendingEntry[] { return this.snapshot.slice(0, limit); }

  /** Rings in use (keys with events in three or more recent buckets). */
  activeRings(): number { return this.windows.activeRings(); }

  bytes(): number {
    let n = 0;
    for (const v of Object.values(this.parts())) n += v;
    return n;
  }

  /** The per-key words are counted by the key store; these are the rest. */
  parts(): Record<string, number> {
    return {
      actorSets: this.actors?.bytes() ?? 0,
      windowRings: this.windows.bytes(),
      seasonProfile: this.season?.bytes() ?? 0,
      groupPriors: this.prior?.bytes() ?? 0,
      alerts: this.cooling.size * 40 + (this.firing.size + this.members.length) * 64 + this.snapshot.length * 128,
    };
  }
}

/** What a surge rule counts, in words, for every transition's `counted`. */
function countedWords(rule: CompiledRule): string {
  const types = rule.eventTypes === null ? ['every event type'] : [...rule.eventTypes];
  const w = types.map((t) => (rule.eventTypes === null ? t : `${t} ×${rule.weights[t] ?? rule.defaultWeight}`)).join(', ');
  const what = rule.weightBy === 'quantity' ? 'units bought or viewed (quantity, 1 when absent)' : 'events';
  const match = rule.match === null ? '' : ` matching ${[...rule.match].map(([k, v]) => `${k} in {${[...v].join(', ')}}`).join(' and ')}`;
  return `${what} (${w})${match} per ${rule.key}, in the last ${formatDuration(rule.detector.windowMs)} (${Math.round(rule.detector.windowMs / rule.detector.bucketMs)} buckets of ${formatDuration(rule.detector.bucketMs)})`;
}
