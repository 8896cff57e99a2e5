import { describe, expect, it } from 'vitest';
import { cusumThreshold, oracleBuckets } from './oracle.js';

describe('oracle CUSUM', () => {
  const h = cusumThreshold(1e-3, 10_000);

  it('alarms on a 3× step at a pace set by the evidence, and never on the rate it expects without the surge', () => {
    const n = 360;
    const before = new Float64Array(n).fill(0.5);
    const after = new Float64Array(n).fill(1.5);
    const surged = oracleBuckets(new Float64Array(n).fill(1.5), before, after, 1, h);
    expect(surged).toBeGreaterThan(1);
    // log-likelihood ratio per bucket at the after rate: 1.5·ln 3 − 1 ≈ 0.648, so about h / 0.648 buckets.
    expect(surged).toBeCloseTo(Math.ceil(h / (1.5 * Math.log(3) - 1)), 0);
    expect(oracleBuckets(new Float64Array(n).fill(0.5), before, after, 1, h)).toBeUndefined();
  });

  it('is slower on overdispersed counts and ignores buckets with nothing to tell apart (a tracking gap)', () => {
    const n = 360;
    const counts = new Float64Array(n).fill(1.5);
    const before = new Float64Array(n).fill(0.5);
    const after = new Float64Array(n).fill(1.5);
    expect(oracleBuckets(counts, before, after, 3, h)!).toBeGreaterThan(oracleBuckets(counts, before, after, 1, h)!);
    const gap = Float64Array.from(before, (b, i) => (i < 100 ? 0 : b));
    expect(oracleBuckets(counts, gap, after, 1, h)!).toBe(oracleBuckets(counts, before, after, 1, h)! + 100);
  });
});
