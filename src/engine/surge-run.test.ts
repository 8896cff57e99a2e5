import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { createRng } from '../sim/prng.js';
import { RunTracker, type RunState } from './cusum.js';
import { createRuleEngine } from './index.js';
import { MIN, shoppers, steady, T0, testRule } from './testkit.js';
import type { Transition } from './types.js';

const HOUR = 60 * MIN;

const catalogue = (over: Record<string, unknown> = {}) =>
  testRule({ type: 'surge', relativeTo: 'none', ...over }, { weights: { view: 1, add_to_cart: 3, purchase: 5 } });

function run(rule: ReturnType<typeof testRule>, events: HerdEvent[], until: number): Transition[] {
  const engine = createRuleEngine(rule);
  return [...engine.ingest([...events].sort((a, b) => a.ts - b.ts)), ...engine.advanceTo(until)];
}
const firings = (ts: Transition[]) => ts.filter((t) => t.state === 'firing');

describe('surge: the run (a CUSUM) adds up evidence for as long as a surge lasts', () => {
  it.each([1, 2, 3])('a 3× step on a product doing 1 shopper a minute (~1.7 weighted events) pages within 25 minutes (seed %i)', (seed) => {
    // In a 5-minute window this surge is ~26 weighted events against ~9 from ~8 shoppers: below
    // the bar for overdispersed counts; over 15–25 minutes it is not.
    const step = T0 + 4 * HOUR;
    const rate = (t: number) => (t >= step && t < step + HOUR ? 3 : 1);
    const fired = firings(run(catalogue(), shoppers('p', T0, T0 + 6 * HOUR, rate, seed, 3), T0 + 6 * HOUR));
    expect(fired).toHaveLength(1);
    const f = fired[0]!;
    expect(f.at).toBeGreaterThan(step);
    expect(f.at - step).toBeLessThanOrEqual(25 * MIN);
    expect(f.onset).toBeGreaterThanOrEqual(step - 5 * MIN); // a run may start on a little noise before the step
    expect(f.lift).toBeGreaterThanOrEqual(2);
    const since = new Date(f.onset).toISOString().slice(11, 16);
    expect(f.reason).toMatch(new RegExp(`^p: ${f.value} weighted events since ${since} UTC \\(for \\d+m(\\d\\ds)?\\) vs [\\d.]+ expected, ×[\\d.]+, from \\d+\\+? people`));
  });

  it('overdispersed steady traffic on 60 products for 8 hours pages at most once', () => {
    const events = Array.from({ length: 60 }, (_, i) => shoppers(`p${i}`, T0, T0 + 8 * HOUR, () => 0.5 + (i % 12) * 1.5, 100 + i)).flat();
    expect(firings(run(catalogue(), events, T0 + 8 * HOUR)).length).toBeLessThanOrEqual(1);
  });

  it('a bot viewing a quiet product every second for 10 minutes never pages, during it or after', () => {
    const bot = steady('p', T0 + 3 * HOUR, T0 + 3 * HOUR + 10 * MIN, 60, { sessionId: 'bot' });
    expect(run(catalogue(), [...shoppers('p', T0, T0 + 6 * HOUR, () => 1, 3), ...bot], T0 + 6 * HOUR)).toEqual([]);
  });

  it('a surge that ends while its alert cools down does not page when the cooldown is over', () => {
    const base = shoppers('p', T0, T0 + 8 * HOUR, () => 6, 4);
    const burst = (at: number) => shoppers('p', T0 + at * MIN, T0 + (at + 15) * MIN, () => 60, at);
    const fired = firings(run(catalogue(), [...base, ...burst(180), ...burst(200)], T0 + 8 * HOUR));
    expect(fired).toHaveLength(1);
  });
});

describe('RunTracker', () => {
  it('visiting only the buckets with events gives the run a per-bucket CUSUM gives', () => {
    const rng = createRng(9);
    const mu = 0.3;
    const tracker = new RunTracker(2);
    const lazy: RunState = { count: 0, expected: 0, start: 0, last: -1 };
    let s = 0;
    let count = 0;
    let expected = 0;
    for (let b = 0; b < 20_000; b++) {
      // Mostly empty buckets, now and then a burst.
      const x = rng.next() < 0.2 ? 1 + Math.floor(rng.next() * (b % 500 < 40 ? 6 : 2)) : 0;
      s += x * Math.log(2) - mu;
      count += x;
      expected += mu;
      if (s <= 0) { s = 0; count = 0; expected = 0; }
      if (x > 0) {
        tracker.advance(lazy, b, x, (n) => mu * n);
        expect(lazy.count).toBeCloseTo(count, 9);
        if (count > 0) expect(lazy.expected).toBeCloseTo(expected, 6);
      }
    }
  });

  it('a run lives while its lift stays above (ρ − 1)/ln ρ', () => {
    const t = new RunTracker(3);
    expect(t.alive(1.83, 1)).toBe(true);
    expect(t.alive(1.81, 1)).toBe(false);
  });
});
