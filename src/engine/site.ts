import { dispersion, fold, foldZeros, type BaselineParams, type Moments } from './baseline.js';
import type { SeasonProfile } from './seasonal.js';

/**
 * Rule-wide (site-wide) traffic: the same window count and decaying baseline as a key,
 * over all of the rule's events. Its lift says "everything is up ×3 right now" (Black Friday),
 * so that `relativeTo: site` can judge each key against the site instead of in isolation.
 * Like a key's, the baseline only holds buckets that have left the window. The site is born
 * at its first bucket with events, so the moment the engine started (which depends on
 * arrival order) never enters a decision.
 */
const NO_BUCKET = -2147483648;
/**
 * A site-wide silence is a tracking gap (not a quiet spell) from the bucket where the site's
 * expected count over it reaches this many times its dispersion: as unlikely as e^-20 for
 * Poisson-like traffic. On a busy site that is its first bucket or two; a site at one event a
 * minute must be silent for 20 minutes (its quiet night hours mostly are not that quiet).
 */
export const DEAD_EXPECTED = 20;
const NEVER = 2147483647;

export class SiteTraffic {
  private readonly tags: Int32Array;
  private readonly counts: Float64Array;
  private readonly m: Moments = { s: 0, q: 0, n: 0 };
  /** Buckets up to this one are in the baseline. */
  private folded = NO_BUCKET;
  /**
   * Live empty buckets folded but not yet applied to m: applied before the next bucket with
   * events and before a close reads the rate, so m does not depend on when folding was asked for.
   */
  private pendingZeros = 0;
  /** The first dead bucket of the silence being folded (NEVER: none), or NO_BUCKET when the last folded bucket had events. */
  private deadFrom = NO_BUCKET;
  /**
   * Dead buckets (a tracking gap: see DEAD_EXPECTED), as sorted disjoint inclusive spans
   * [start, end, start, end, …]. Kept for `keepBuckets` after they end: a key folds its history
   * lazily, at most that far behind.
   */
  private readonly spans: number[] = [];
  /** First bucket with events (NO_BUCKET before any). */
  born = NO_BUCKET;
  /** Site lift at the last close; 1 until the site has a window of history. */
  lift = 1;
  /**
   * recentLift[k]: the site's lift over only the newest k buckets at the last close (k = 1…window;
   * recentLift[window] = lift). A sub-window test of a key needs the site's factor over the
   * same sub-window: at the onset of a site-wide surge the whole-window lift still lags.
   */
  readonly recentLift: Float64Array;

  /**
   * With a season profile, the site's baseline holds de-seasonalised counts (count / profile
   * factor of its bucket) and the profile learns from the raw counts as they are folded, in order.
   * `origin` turns relative bucket numbers into absolute ones (the profile is calendar-aligned).
   */
  constructor(private readonly ringSize: number, private readonly windowBuckets: number, private readonly p: BaselineParams,
    private readonly season: SeasonProfile | null = null, private readonly origin: () => number = () => 0,
    private readonly keepBuckets = 2147483647) {
    this.tags = new Int32Array(ringSize).fill(NO_BUCKET);
    this.counts = new Float64Array(ringSize);
    this.recentLift = new Float64Array(windowBuckets + 1).fill(1);
  }

  add(bucket: number, w: number): void {
    if (this.born === NO_BUCKET || (bucket < this.born && this.m.n === 0)) {
      this.born = bucket;
      this.folded = bucket - 1;
      this.pendingZeros = 0;
      this.deadFrom = NO_BUCKET;
      this.spans.length = 0;
    }
    const i = bucket % this.ringSize;
    const old = this.tags[i]!;
    if (old !== bucket) {
      if (old !== NO_BUCKET) this.foldThrough(old);
      this.tags[i] = bucket;
      this.counts[i] = 0;
    }
    this.counts[i]! += w;
  }

  private count(bucket: number): number {
    const i = bucket % this.ringSize;
    return this.tags[i] === bucket ? this.counts[i]! : 0;
  }

  /**
   * Folds every stored bucket in (folded, t] oldest first, and the empty ones between (see
   * silence). Only ever called with closed buckets, so it is a pure function of their counts
   * whenever it runs.
   */
  foldThrough(t: number): void {
    if (t <= this.folded || this.born === NO_BUCKET) return;
    const stored: number[] = [];
    for (const tag of this.tags) if (tag > this.folded && tag <= t) stored.push(tag);
    stored.sort((a, b) => a - b);
    let f = this.folded;
    const season = this.season;
    const o = season === null ? 0 : this.origin();
    for (const b of stored) {
      this.silence(f + 1, b - 1, o);
      this.applyZeros();
      const x = this.count(b);
      if (season === null) fold(this.m, x, false, this.p);
      else {
        season.observe(b + o, 1, x);
        fold(this.m, x / season.factor(b + o), false, this.p);
      }
      this.deadFrom = NO_BUCKET;
      f = b;
    }
    this.silence(f + 1, t, o);
    this.folded = t;
    const old = this.folded - this.keepBuckets;
    let drop = 0;
    while (drop < this.spans.length && this.spans[drop + 1]! < old) drop += 2;
    if (drop > 0) this.spans.splice(0, drop);
  }

  /**
   * Empty buckets from..to of a silence (folded in order). Its start is judged against the rate
   * before it: once the silence is longer than the site's traffic makes plausible, its buckets
   * are dead (nothing was tracked) and are not folded here nor into any key's history, since
   * zeros that mean "not measured" would drag every busy product's baseline down and blow up its
   * dispersion for hours. Time stands still for the baseline over them.
   */
  private silence(from: number, to: number, o: number): void {
    if (to < from) return;
    if (this.deadFrom === NO_BUCKET) {
      this.applyZeros();
      const m = this.m;
      // The site's own rate and dispersion (no cold-start prior: it has a window of history).
      const rate = m.n >= this.windowBuckets - 1 ? m.s / m.n : 0;
      this.deadFrom = rate > 0
        ? from + Math.ceil((DEAD_EXPECTED * dispersion(rate, m.q / m.n - rate * rate)) / rate) - 1
        : NEVER;
    }
    const liveTo = Math.min(to, this.deadFrom - 1);
    if (liveTo >= from) {
      this.pendingZeros += liveTo - from + 1;
      if (this.season !== null) this.season.observe(from + o, liveTo - from + 1, 0);
    }
    const deadAt = Math.max(from, this.deadFrom);
    if (deadAt > to) return;
    const n = this.spans.length;
    if (n > 0 && this.spans[n - 1] === deadAt - 1) this.spans[n - 1] = to;
    else this.spans.push(deadAt, to);
  }

  private applyZeros(): void {
    if (this.pendingZeros === 0) return;
    foldZeros(this.m, this.pendingZeros, this.p);
    this.pendingZeros = 0;
  }

  /** How many buckets of from..to are not dead (all of them unless a tracking gap overlaps). */
  live(from: number, to: number): number {
    let n = to - from + 1;
    if (n <= 0) return 0;
    const s = this.spans;
    for (let i = s.length - 2; i >= 0 && s[i + 1]! >= from; i -= 2) {
      const lo = Math.max(from, s[i]!), hi = Math.min(to, s[i + 1]!);
      if (hi >= lo) n -= hi - lo + 1;
    }
    return n;
  }

  /**
   * How many of groups g0..g1 hold no dead bucket; group g covers the buckets from g·G − base
   * to g·G − base + G − 1. A group cut by a tracking gap would look like a quiet minute.
   */
  liveGroups(g0: number, g1: number, G: number, base: number): number {
    let n = g1 - g0 + 1;
    if (n <= 0) return 0;
    const s = this.spans;
    let below = g1 + 1; // groups from here up are counted already (spans are visited newest first)
    for (let i = s.length - 2; i >= 0; i -= 2) {
      const gs = Math.floor((s[i]! + base) / G), ge = Math.floor((s[i + 1]! + base) / G);
      if (ge < g0) break;
      const lo = Math.max(g0, gs), hi = Math.min(g1, ge, below - 1);
      if (hi >= lo) n -= hi - lo + 1;
      below = Math.min(below, gs);
    }
    return n;
  }

  /** The site's lift at the close of `bucket`: its window vs its baseline of the buckets before. */
  close(bucket: number, seasonal: Float64Array | null = null): number {
    const r = this.recentLift;
    if (this.born === NO_BUCKET || bucket < this.born) { r.fill(1); return (this.lift = 1); }
    this.foldThrough(bucket - this.windowBuckets);
    this.applyZeros();
    const rate = this.m.n >= this.windowBuckets - 1 ? this.m.s / this.m.n : 0;
    let c = 0;
    for (let k = 1; k <= this.windowBuckets; k++) {
      c += this.count(bucket - k + 1);
      // seasonal[k]: the mean profile factor of the newest k buckets (what the level becomes there).
      const e = rate * k * (seasonal === null ? 1 : seasonal[k]!);
      r[k] = e > 0 ? c / e : 1;
    }
    this.lift = r[this.windowBuckets]!;
    return this.lift;
  }

  /** Whether `bucket` lies within the site's first window (the rule's warm-up). */
  warmingUp(bucket: number): boolean {
    return this.born === NO_BUCKET || bucket < this.born + this.windowBuckets;
  }
}
