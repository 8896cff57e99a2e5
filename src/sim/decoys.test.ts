import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { createSimulator } from './index.js';
import { drain } from './test-helpers.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('simulator realism: overdispersion, weekly rhythm, decoys with ground truth', () => {
  it('clusters make counts overdispersed while keeping the mean rate, and stay reproducible in any chunking', () => {
    const base = { seed: 5, products: 50, eventsPerSecond: 20, seasonality: false as const, users: 1000 };
    const top = createSimulator(base).product(0).id;
    const perMinute = (events: HerdEvent[]) => {
      const c = new Map<number, number>();
      for (const e of events) if (e.productId === top) c.set(Math.floor(e.ts / MIN), (c.get(Math.floor(e.ts / MIN)) ?? 0) + 1);
      const xs = Array.from({ length: 240 }, (_, i) => c.get(i) ?? 0);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return { mean, dispersion: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length / mean };
    };
    const plain = perMinute(createSimulator(base).eventsUntil(4 * HOUR));
    const bursty = perMinute(createSimulator({ ...base, clusterMean: 1 }).eventsUntil(4 * HOUR));
    expect(bursty.mean / plain.mean).toBeGreaterThan(0.85);
    expect(bursty.mean / plain.mean).toBeLessThan(1.15);
    expect(plain.dispersion).toBeLessThan(1.3);
    expect(bursty.dispersion).toBeGreaterThan(2);
    const opts = { ...base, clusterMean: 1 };
    const all = drain(createSimulator(opts), 30 * MIN, MIN);
    expect(drain(createSimulator(opts), 30 * MIN, 9_000)).toEqual(all);
    expect(all.every((e, i) => i === 0 || all[i - 1]!.ts <= e.ts)).toBe(true);
  });

  it('an m× surge on bursty traffic is m× the product\'s events, as expectedWeightedPerMinute says', () => {
    // Surge shoppers come back like organic ones; before they did not, and a 3× surge was 2.33× in events.
    const surge = { rank: 0, shape: 'step', multiplier: 3, start: 2 * HOUR, durationMs: 2 * HOUR } as const;
    const sim = createSimulator({ seed: 8, products: 50, eventsPerSecond: 20, seasonality: false, users: 1000, clusterMean: 1, surges: [surge] });
    const id = sim.product(0).id;
    const events = sim.eventsUntil(4 * HOUR).filter((e) => e.productId === id);
    const before = events.filter((e) => e.ts < 2 * HOUR).length;
    const during = events.filter((e) => e.ts >= 2 * HOUR + MIN).length;
    expect(during / before).toBeGreaterThan(2.8);
    expect(during / before).toBeLessThan(3.2);
    const views = { view: 1 };
    expect(sim.expectedWeightedPerMinute(0, views, 3 * HOUR) / sim.expectedWeightedPerMinute(0, views, HOUR)).toBeCloseTo(3, 2);
    expect(sim.expectedWeightedPerMinute(0, views, HOUR)).toBeCloseTo(sim.baselineWeightedPerMinute(0, views, HOUR), 6);
  });

  it('injects a one-shopper burst, a bot and a tracking gap, and reports them as decoy windows', () => {
    const sim = createSimulator({
      seed: 3, products: 100, eventsPerSecond: 50, seasonality: false, users: 1000,
      decoys: [{ kind: 'tracking_gap', start: 2 * HOUR, durationMs: 30 * MIN, multiplier: 0 }],
      productDecoys: [
        { kind: 'one_shopper', rank: 7, start: HOUR, durationMs: MIN },
        { kind: 'bot', rank: 9, start: 90 * MIN, durationMs: 10 * MIN },
      ],
    });
    const events = sim.eventsUntil(3 * HOUR);
    const p7 = sim.product(7).id;
    const burst = events.filter((e) => e.productId === p7 && e.ts >= HOUR && e.ts < HOUR + MIN);
    const shopper = burst.find((e) => e.type === 'purchase')!.userId;
    expect(burst.filter((e) => e.userId === shopper).map((e) => e.type)).toEqual(['view', 'view', 'purchase', 'purchase', 'purchase', 'purchase']);
    const bot = events.filter((e) => e.sessionId === 'bot-9');
    expect(bot).toHaveLength(600);
    expect(events.filter((e) => e.ts >= 2 * HOUR && e.ts < 2 * HOUR + 30 * MIN)).toEqual([]);
    expect(sim.decoyWindows(3 * HOUR).map((w) => [w.kind, w.productId])).toEqual([
      ['one_shopper', p7], ['bot', sim.product(9).id], ['tracking_gap', undefined],
    ]);
    expect(sim.truth).toEqual([]);
  });

  it('weekends can be busier (weekly rhythm)', () => {
    const saturday = Date.UTC(2026, 10, 28);
    const sim = createSimulator({ seed: 1, products: 10, eventsPerSecond: 10, seasonality: false, weekendFactor: 1.5, start: saturday - HOUR, users: 100 });
    expect(sim.siteFactor(saturday - MIN)).toBe(1);
    expect(sim.siteFactor(saturday + MIN)).toBe(1.5);
  });
});
