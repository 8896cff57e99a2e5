import { surgeScore } from './baseline.js';

/**
 * The recent-onset test of a surge: the newest k buckets of the window (k from
 * SCAN_MIN_BUCKETS up to the window) against the baseline rate, taking the most significant
 * k. A step of m× is diluted by the pre-step buckets in a whole-window count (its lift reaches
 * 2 only after (2 − 1)/(m − 1) of the window, 150 s for 3× in 5 m however busy the product);
 * the count since the step is not. Scanning every k is the windowed form of a one-sided
 * CUSUM: it needs no state beyond the window's own buckets, so it is a pure function of the
 * bucket counts. Trying many k is multiple testing, hence the stricter score (SCAN_MARGIN).
 * A sub-window must hold the lift without its busiest bucket as well.
 */
export const SCAN_MIN_BUCKETS = 3;
/** Added to `sensitivity` for the sub-window test. */
export const SCAN_MARGIN = 0.5;

export interface ScanHit { buckets: number; count: number; expected: number; score: number }

export class RecentScan {
  private readonly counts: Float64Array;
  private from = 0;
  private readonly put = (bucket: number, x: number): void => { this.counts[bucket - this.from] = x; };
  readonly hit: ScanHit = { buckets: 0, count: 0, expected: 0, score: 0 };

  constructor(private readonly windowBuckets: number) {
    this.counts = new Float64Array(windowBuckets);
  }

  /**
   * Whether some newest k < window buckets hold at least `minEvents`, `minLift` × their
   * expected count (`rate` per bucket × factor[k]) and a score ≥ `threshold`; the best such
   * k is left in `hit`. `factor` is the site factor per sub-window length (null: 1), `each`
   * visits the key's non-empty buckets of the window (oldest first).
   */
  test(windowCount: number, rate: number, factor: Float64Array | null, minFactor: number, phi: number, minEvents: number,
    minLift: number, threshold: number, first: number, each: (from: number, fn: (bucket: number, x: number) => void) => void): boolean {
    const W = this.windowBuckets;
    // Cheap bound, true for every k: the whole window's count against the least any sub-window can expect.
    if (windowCount < minEvents || surgeScore(windowCount, rate * SCAN_MIN_BUCKETS * minFactor, phi) < threshold) return false;
    this.counts.fill(0);
    this.from = first;
    each(first, this.put);
    let c = 0;
    let top = 0;
    let found = false;
    for (let k = 1; k < W; k++) {
      const x = this.counts[W - k]!;
      c += x;
      if (x > top) top = x;
      if (k < SCAN_MIN_BUCKETS || c < minEvents) continue;
      const e = rate * k * (factor === null ? 1 : factor[k]!);
      // A surge is sustained: the lift must hold without the sub-window's busiest bucket too,
      // so one bucket's blip (a bot, a refresh storm, two big purchases) is not an onset.
      if (c < minLift * e || c - top < (minLift * e * (k - 1)) / k) continue;
      const s = surgeScore(c, e, phi);
      if (s >= threshold && (!found || s > this.hit.score)) {
        found = true;
        this.hit.buckets = k; this.hit.count = c; this.hit.expected = e; this.hit.score = s;
      }
    }
    return found;
  }
}
