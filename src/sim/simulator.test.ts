import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { createSimulator, planSurges } from './index.js';
import { drain } from './test-helpers.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('simulator', () => {
  it('gives the same events for a seed however eventsUntil is called', () => {
    const opts = { seed: 42, products: 1000, eventsPerSecond: 200, start: 5 * HOUR };
    const once = createSimulator(opts).eventsUntil(5 * HOUR + 2 * MIN);
    const live = drain(createSimulator(opts), 5 * HOUR + 2 * MIN, 200);
    expect(live.length).toBe(once.length);
    expect(live).toEqual(once);
    const other = createSimulator({ ...opts, seed: 43 }).eventsUntil(5 * HOUR + 2 * MIN);
    expect(other.map((e) => e.productId)).not.toEqual(once.map((e) => e.productId));
  });

  it('returns each event once, in time order, strictly before the requested time', () => {
    const sim = createSimulator({ seed: 1, products: 500, eventsPerSecond: 100 });
    const seen = new Set<string>();
    let last = -Infinity;
    for (const until of [250, 250, 1_700, 1_701, 9_999, 30_000]) {
      const batch = sim.eventsUntil(until);
      for (const e of batch) {
        expect(e.ts).toBeLessThan(until);
        expect(e.ts).toBeGreaterThanOrEqual(last);
        expect(seen.has(e.id)).toBe(false);
        seen.add(e.id);
        last = e.ts;
      }
      expect(sim.cursor).toBe(until);
    }
    expect(sim.eventsUntil(10_000)).toEqual([]); // going back in time yields nothing
    expect(seen.size).toBeGreaterThan(2_000);
  });

  it('produces about 96.7% views, 2.5% add-to-cart and 0.8% purchases, purchases priced', () => {
    const sim = createSimulator({ seed: 3, products: 2000, eventsPerSecond: 1000, seasonality: false });
    const events = sim.eventsUntil(5 * MIN);
    const share = (t: string) => events.filter((e) => e.type === t).length / events.length;
    expect(events.length).toBeGreaterThan(250_000);
    expect(share('view')).toBeCloseTo(0.967, 2);
    expect(share('add_to_cart')).toBeCloseTo(0.025, 2);
    expect(share('purchase')).toBeCloseTo(0.008, 2);
    const purchase = events.find((e) => e.type === 'purchase')!;
    expect(purchase.amount).toBeCloseTo(purchase.price! * purchase.quantity!, 2);
    expect(purchase).toMatchObject({ currency: 'EUR', userId: expect.any(String), sessionId: expect.any(String), region: expect.any(String), category: expect.any(String) });
  });

  it('draws products by Zipf popularity and reports their baseline rates', () => {
    const sim = createSimulator({ seed: 5, products: 10_000, eventsPerSecond: 500, seasonality: false });
    const events = sim.eventsUntil(10 * MIN);
    const count = (rank: number) => events.filter((e) => e.productId === sim.product(rank).id).length;
    const top = count(0);
    const expected = sim.product(0).baselineEventsPerSecond * 600;
    expect(Math.abs(top - expected)).toBeLessThan(5 * Math.sqrt(expected));
    expect(top / count(9)).toBeGreaterThan(7);
    expect(top / count(9)).toBeLessThan(14);
    expect(sim.product(0).decile).toBe(1);
    expect(sim.product(9_999).decile).toBe(10);
    expect(sim.rankOf(sim.product(123).id)).toBe(123);
    const w = { view: 1, add_to_cart: 3, purchase: 5 };
    expect(sim.meanWeight(w)).toBeCloseTo(0.967 + 0.025 * 3 + 0.008 * 5, 6);
    expect(sim.baselineWeightedPerMinute(0, w)).toBeCloseTo(sim.product(0).baselineEventsPerSecond * 60 * sim.meanWeight(w), 6);
  });

  it('follows the day curve: the evening peak is about three times the early-morning trough', () => {
    const sim = createSimulator({ seed: 9, products: 100, eventsPerSecond: 5, seasonality: { amplitude: 0.5, peakHourUtc: 20 } });
    const hourly = new Array<number>(24).fill(0);
    for (const e of sim.eventsUntil(24 * HOUR)) hourly[Math.floor(e.ts / HOUR)]!++;
    const ratio = hourly[20]! / hourly[8]!;
    expect(ratio).toBeGreaterThan(2.7);
    expect(ratio).toBeLessThan(3.3);
    expect(sim.decoyWindows(24 * HOUR)).toEqual([{ kind: 'daily_peak', start: 14 * HOUR, end: 21 * HOUR, multiplier: 1.5 }]);
  });

  it('injects a step surge on one product and a site-wide decoy on all, and knows the truth', () => {
    const surge = { rank: 40, shape: 'step', multiplier: 5, start: 20 * MIN, durationMs: 20 * MIN } as const;
    const sim = createSimulator({
      seed: 11, products: 1000, eventsPerSecond: 100, seasonality: false,
      surges: [surge], decoys: [{ kind: 'site_wide', start: 60 * MIN, durationMs: 20 * MIN, multiplier: 3 }],
    });
    const events = sim.eventsUntil(80 * MIN);
    const id = sim.product(40).id;
    const inWindow = (from: number, to: number, pred: (e: HerdEvent) => boolean) => events.filter((e) => e.ts >= from && e.ts < to && pred(e)).length;
    const before = inWindow(0, 20 * MIN, (e) => e.productId === id);
    const during = inWindow(20 * MIN, 40 * MIN, (e) => e.productId === id);
    expect(during / before).toBeGreaterThan(4);
    expect(during / before).toBeLessThan(6.2);
    const siteBefore = inWindow(40 * MIN, 60 * MIN, () => true);
    const siteDuring = inWindow(60 * MIN, 80 * MIN, () => true);
    expect(siteDuring / siteBefore).toBeCloseTo(3, 1);
    expect(sim.truth).toEqual([expect.objectContaining({ productId: id, shape: 'step', multiplier: 5, start: 20 * MIN, end: 40 * MIN, decile: 1 })]);
    expect(sim.decoyWindows(80 * MIN)).toEqual([{ kind: 'site_wide', start: 60 * MIN, end: 80 * MIN, multiplier: 3 }]);
  });

  it('rejects options a user could get wrong with a coded error naming the field', () => {
    expect(() => createSimulator({ seed: 1, products: 0 })).toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG', field: 'sim.products' }));
    expect(() => createSimulator({ seed: 1, products: 10, surges: [{ rank: 10, shape: 'step', multiplier: 3, start: 0, durationMs: 1 }] }))
      .toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG', field: 'sim.surges[0].rank' }));
  });
});

describe('planSurges', () => {
  it('plans every shape × multiplier × decile on distinct products inside the window', () => {
    const plan = planSurges({ seed: 1, products: 10_000, from: HOUR, until: 24 * HOUR, perCell: 2 });
    expect(plan).toHaveLength(4 * 5 * 10 * 2);
    expect(new Set(plan.map((s) => s.rank)).size).toBe(plan.length);
    for (const s of plan) {
      expect(s.start).toBeGreaterThanOrEqual(HOUR);
      expect(s.start + s.durationMs).toBeLessThanOrEqual(24 * HOUR);
    }
    const decile1 = plan.filter((s) => s.rank < 1000);
    expect(decile1).toHaveLength(40);
    expect(planSurges({ seed: 1, products: 10_000, from: HOUR, until: 24 * HOUR, perCell: 2 })).toEqual(plan);
  });
});
