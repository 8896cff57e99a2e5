/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32) so a seed always gives the
 * same traffic, on every machine and Node version. Math.random cannot be seeded.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Exponential with the given mean. */
  exp(mean: number): number;
  /** An independent generator derived from this one's seed and a stream number. */
  fork(stream: number): Rng;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const TWO_32 = 4294967296;

export function createRng(seed: number, stream = 0): Rng {
  // Mix the stream into the seed so fork(n) streams do not overlap for nearby seeds.
  const mix = splitmix32((Math.imul(seed | 0, 0x27d4eb2d) ^ Math.imul(stream + 1, 0x165667b1)) >>> 0);
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  if ((a | b | c | d) === 0) a = 1; // xoshiro must not start from the all-zero state
  const next32 = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r;
  };
  const next = (): number => next32() / TWO_32;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    exp: (mean) => -Math.log(1 - next()) * mean,
    fork: (s) => createRng(seed, stream * 1_000_003 + s + 1),
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * mulberry32: a tiny 32-bit generator for fixtures and benchmarks that need one uniform
 * stream and nothing else; the simulator itself uses createRng.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
