import type { Rng } from './prng.js';

/**
 * Walker's alias method: O(n) to build, O(1) per sample. The benchmarks draw tens of
 * millions of products, so a binary search over the CDF per event would dominate.
 */
export interface AliasTable {
  readonly size: number;
  sample(rng: Rng): number;
}

export function buildAliasTable(weights: ArrayLike<number>): AliasTable {
  const n = weights.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i]!;
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small = new Int32Array(n);
  const large = new Int32Array(n);
  let ns = 0;
  let nl = 0;
  for (let i = 0; i < n; i++) {
    scaled[i] = (weights[i]! * n) / total;
    if (scaled[i]! < 1) small[ns++] = i;
    else large[nl++] = i;
  }
  while (ns > 0 && nl > 0) {
    const s = small[--ns]!;
    const l = large[--nl]!;
    prob[s] = scaled[s]!;
    alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    if (scaled[l]! < 1) small[ns++] = l;
    else large[nl++] = l;
  }
  // Leftovers are 1 up to rounding error.
  while (nl > 0) prob[large[--nl]!] = 1;
  while (ns > 0) prob[small[--ns]!] = 1;
  return {
    size: n,
    sample(rng) {
      const u = rng.next() * n;
      const i = Math.floor(u);
      return u - i < prob[i]! ? i : alias[i]!;
    },
  };
}

/** Zipf weights 1/rank^s for ranks 1..n, normalised to sum to 1 (index 0 is rank 1). */
export function zipfShares(n: number, exponent: number): Float64Array {
  const w = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    w[i] = 1 / Math.pow(i + 1, exponent);
    total += w[i]!;
  }
  for (let i = 0; i < n; i++) w[i] = w[i]! / total;
  return w;
}
