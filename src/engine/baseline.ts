/**
 * Exponentially decaying mean and variance of a per-bucket rate, stored as decayed sums
 * S = Σ aᵏ·xₖ, Q = Σ aᵏ·xₖ², N = Σ aᵏ (k = age in buckets). Keeping N (instead of a
 * normalised mean) does two jobs: a run of k empty buckets is folded in closed form
 * (S, Q ×= aᵏ; N = aᵏN + (1−aᵏ)/(1−a)), so a key is only touched when it has events, and a
 * prior of n0 pseudo-buckets blends in by weight, fading as real history (N) accumulates.
 */
export interface BaselineParams {
  /** Decay per bucket: 0.5^(bucket / half-life). */
  readonly a: number;
  /** Decay per bucket while a key is firing or elevated: the half-life is SLOW_FACTOR times longer. */
  readonly aSlow: number;
  /** Weight of one observation while slowed, so that N keeps the same stationary value. */
  readonly gSlow: number;
  /** Prior: pseudo-buckets, rate per bucket and its variance (cold start). */
  readonly n0: number;
  readonly r0: number;
  readonly v0: number;
  /** a^k for k below its length, as Math.pow gives it: folding a gap looks it up instead of calling pow. */
  readonly powers: Float64Array;
}

/** Gaps up to this many buckets (five and a half hours of 5 s buckets) fold from the table. */
const POWERS = 4096;

export const SLOW_FACTOR = 8;

export function baselineParams(bucketMs: number, halfLifeMs: number, n0: number, r0: number): BaselineParams {
  const a = Math.pow(0.5, bucketMs / halfLifeMs);
  const aSlow = Math.pow(0.5, bucketMs / (halfLifeMs * SLOW_FACTOR));
  const powers = new Float64Array(POWERS);
  for (let k = 0; k < POWERS; k++) powers[k] = Math.pow(a, k);
  return { a, aSlow, gSlow: (1 - aSlow) / (1 - a), n0, r0, v0: r0, powers };
}

/** Mutable view of one baseline (the caller copies it in and out of its typed arrays). */
export interface Moments { s: number; q: number; n: number }

export function foldZeros(m: Moments, k: number, p: BaselineParams): void {
  if (k <= 0) return;
  const ak = k < POWERS ? p.powers[k]! : Math.pow(p.a, k);
  m.s *= ak;
  m.q *= ak;
  m.n = m.n * ak + (1 - ak) / (1 - p.a);
}

export function fold(m: Moments, x: number, slowed: boolean, p: BaselineParams): void {
  if (slowed) {
    m.s = m.s * p.aSlow + p.gSlow * x;
    m.q = m.q * p.aSlow + p.gSlow * x * x;
    m.n = m.n * p.aSlow + p.gSlow;
  } else {
    m.s = m.s * p.a + x;
    m.q = m.q * p.a + x * x;
    m.n = m.n * p.a + 1;
  }
}

/** Mean per-bucket rate, prior included. */
export function meanOf(m: Moments, p: BaselineParams): number {
  return (m.s + p.n0 * p.r0) / (m.n + p.n0);
}

/** Variance per bucket, prior included (never negative). */
export function varianceOf(m: Moments, p: BaselineParams): number {
  const w = m.n + p.n0;
  const mean = (m.s + p.n0 * p.r0) / w;
  const second = (m.q + p.n0 * (p.v0 + p.r0 * p.r0)) / w;
  return Math.max(0, second - mean * mean);
}

/** Overdispersion of weighted counts (variance / mean, ≥ 1; 1 for plain Poisson counts). */
export const MAX_DISPERSION = 50;
export function dispersion(mean: number, variance: number): number {
  if (!(mean > 0)) return 1;
  return Math.min(MAX_DISPERSION, Math.max(1, variance / mean));
}

/**
 * Significance of observing `count` when `expected` was expected, for Poisson-like counts
 * inflated by dispersion φ: counts are scaled to Poisson units (÷φ) and compared on the
 * Anscombe variance-stabilised scale, where 2√(X + 3/8) has unit variance for any mean.
 * Unlike (count − expected)/√expected it does not explode when expected is tiny:
 * 3 events where 0.1 were expected scores 2.3, not 9.2.
 */
export function surgeScore(count: number, expected: number, phi: number): number {
  return 2 * (Math.sqrt(count / phi + 0.375) - Math.sqrt(expected / phi + 0.375));
}
