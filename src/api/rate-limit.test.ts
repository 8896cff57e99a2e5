import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('allows the burst, then one request per 1/rate seconds, per client', () => {
    let now = 0;
    const rl = new RateLimiter(2, 3, () => now);
    expect([1, 2, 3, 4].map(() => rl.take('a').allowed)).toEqual([true, true, true, false]);
    expect(rl.take('a').retryAfterSec).toBeCloseTo(0.5);
    expect(rl.take('b').allowed).toBe(true);
    now += 500;
    expect(rl.take('a').allowed).toBe(true);
    expect(rl.take('a').allowed).toBe(false);
  });

  it('forgets clients whose bucket has refilled, so memory stays bounded', () => {
    let now = 0;
    const rl = new RateLimiter(10, 10, () => now);
    for (let i = 0; i < 1_000; i++) rl.take(`c${i}`);
    expect(rl.size).toBe(1_000);
    now += 2_000;
    rl.take('new');
    expect(rl.size).toBe(1);
  });

  it('a rate of 0 disables the limit', () => {
    const rl = new RateLimiter(0, 1, () => 0);
    expect(Array.from({ length: 100 }, () => rl.take('a').allowed).every(Boolean)).toBe(true);
  });
});
