/** A Zipf sampler over ranks 0..n-1 for the speed benchmark; its PRNG is the simulator's mulberry32. */
export { mulberry32 } from '../../src/sim/prng.js';

/** P(rank k) ∝ 1 / (k + 1)^s, sampled by binary search over the cumulative distribution. */
export function zipf(n: number, s: number, rnd: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cdf[k] = total += 1 / Math.pow(k + 1, s);
  return () => {
    const u = rnd() * total;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1; else hi = mid;
    }
    return lo;
  };
}
