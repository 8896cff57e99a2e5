import { fold, foldZeros, type BaselineParams, type Moments } from './baseline.js';
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

export class SiteTraffic {
  private readonly tags: Int32Array;
  private readonly counts: Float64Array;
  private readonly m: Moments = { s: 0, q: 0, n: 0 };
  /** Buckets up to this one are in the baseline. */
  private folded = NO_BUCKET;
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
    private readonly season: SeasonProfile | null = null, private readonly origin: () => number = () => 0) {
    this.tags = new Int32Array(ringSize).fill(NO_BUCKET);
    this.counts = new Float64Array(ringSize);
    this.recentLift = new Float64Array(windowBuckets + 1).fill(1);
  }

  add(bucket: number, w: number): void {
    if (this.born === NO_BUCKET || (bucket < this.born && this.m.n === 0)) {
      this.born = bucket;
      this.folded = bucket - 1;
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
   * Folds every stored bucket in (folded, t] oldest first, and the empty ones between. Only
   * ever called with closed buckets, so it is a pure function of their counts whenever it runs.
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
      foldZeros(this.m, b - f - 1, this.p);
      const x = this.count(b);
      if (season === null) fold(this.m, x, false, this.p);
      else {
        if (b - f > 1) season.observe(f + 1 + o, b - f - 1, 0);
        season.observe(b + o, 1, x);
        fold(this.m, x / season.factor(b + o), false, this.p);
      }
      f = b;
    }
    foldZeros(this.m, t - f, this.p);
    if (season !== null && t > f) season.observe(f + 1 + o, t - f, 0);
    this.folded = t;
  }

  /** The site's lift at the close of `bucket`: its window vs its baseline of the buckets before. */
  close(bucket: number, seasonal: Float64Array | null = null): number {
    const r = this.recentLift;
    if (this.born === NO_BUCKET || bucket < this.born) { r.fill(1); return (this.lift = 1); }
    this.foldThrough(bucket - this.windowBuckets);
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
