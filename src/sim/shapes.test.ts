import { describe, expect, it } from 'vitest';
import { buildAliasTable } from './alias.js';
import { createRng } from './prng.js';
import { surgeMultiplier } from './shapes.js';

describe('surge shapes', () => {
  const base = { rank: 0, multiplier: 8, start: 1_000, durationMs: 3_000, riseMs: 1_000 };
  it('step and flash sale jump to the peak; ramp rises linearly; viral grows exponentially', () => {
    expect(surgeMultiplier({ ...base, shape: 'step' }, 999)).toBe(1);
    expect(surgeMultiplier({ ...base, shape: 'step' }, 1_000)).toBe(8);
    expect(surgeMultiplier({ ...base, shape: 'flash_sale' }, 3_999)).toBe(8);
    expect(surgeMultiplier({ ...base, shape: 'flash_sale' }, 4_000)).toBe(1);
    expect(surgeMultiplier({ ...base, shape: 'ramp' }, 1_500)).toBeCloseTo(4.5);
    expect(surgeMultiplier({ ...base, shape: 'viral' }, 1_500)).toBeCloseTo(Math.sqrt(8));
    expect(surgeMultiplier({ ...base, shape: 'viral' }, 2_500)).toBe(8);
  });
});

describe('prng and alias table', () => {
  it('is reproducible per seed and stream', () => {
    const a = createRng(7);
    const b = createRng(7);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(createRng(7, 1).next()).not.toBe(xs[0]);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('samples in proportion to the weights', () => {
    const table = buildAliasTable([1, 2, 3, 4]);
    const rng = createRng(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[table.sample(rng)]!++;
    counts.forEach((c, i) => expect(c / 100_000).toBeCloseTo((i + 1) / 10, 2));
  });
});
