import { describe, expect, it } from 'vitest';
import { falsePer10kProductDays, matchAlerts, percentile, poissonTail, precision, recallOf, type TruthSurge } from './metrics.js';

const surge = (id: string, productId: string, start: number, end: number, extra: Partial<TruthSurge> = {}): TruthSurge => ({
  id, productId, start, end, shape: 'step', multiplier: 5, decile: 1, eligible: true, baselinePerMinute: 10, ...extra,
});

describe('matching alerts to injected surges', () => {
  const surges = [
    surge('s1', 'a', 1_000, 2_000),
    surge('s2', 'b', 1_000, 2_000),
    surge('s3', 'c', 5_000, 6_000, { shape: 'ramp' }),
  ];
  const decoys = [{ kind: 'site_wide', start: 8_000, end: 9_000 }];
  const opts = { graceMs: 100, evaluateFrom: 500, evaluateUntil: 3_600_000 + 500 };
  const alerts = [
    { id: 'w', key: 'z', at: 100 }, // cold start
    { id: 'a1', key: 'a', at: 1_030 }, // s1, 30 ms late
    { id: 'a2', key: 'a', at: 1_500 }, // s1 again: a duplicate page
    { id: 'b1', key: 'b', at: 2_090 }, // s2, inside the grace period
    { id: 'c0', key: 'c', at: 4_990 }, // before s3 starts: false
    { id: 'b2', key: 'b', at: 2_200 }, // after s2 and its grace: false
    { id: 'd1', key: 'q', at: 9_050 }, // fires during the decoy's grace: false and a decoy alert
  ];
  const r = matchAlerts(alerts, surges, decoys, opts);

  it('counts a surge detected by its first firing and measures the delay from its start', () => {
    expect(r.outcomes.map((o) => [o.surge.id, o.detected, o.delayMs, o.firings])).toEqual([
      ['s1', true, 30, 2],
      ['s2', true, 1_090, 1],
      ['s3', false, undefined, 0],
    ]);
    expect(r.duplicates).toBe(1);
  });

  it('scores alerts outside any surge as false, decoy alerts among them, cold start apart', () => {
    expect(r.matched).toBe(3);
    expect(r.falseAlerts.map((a) => a.id)).toEqual(['b2', 'c0', 'd1']);
    expect(r.decoyAlerts).toEqual([{ alert: { id: 'd1', key: 'q', at: 9_050 }, decoy: 'site_wide' }]);
    expect(r.warmupAlerts.map((a) => a.id)).toEqual(['w']);
    expect(precision(r)).toBeCloseTo(3 / 6);
  });

  it('weighs alerts inside decoy windows against the background rate outside them', () => {
    // One hour scored; the decoy covers 1,100 ms of it; 2 false alerts fell outside it.
    const [t] = r.decoyTally;
    expect(t).toMatchObject({ kind: 'site_wide', inside: 1 });
    expect(t!.hours).toBeCloseTo(1_100 / 3_600_000);
    expect(t!.expected).toBeCloseTo((2 / (3_600_000 - 1_100)) * 1_100);
  });

  it('scales the background by traffic: a busy decoy window expects more noise', () => {
    // Traffic is 3× inside the decoy window (8,000–9,100 with grace), 1× elsewhere.
    const traffic = (a: number, b: number) => (b - a) + 2 * Math.max(0, Math.min(b, 9_100) - Math.max(a, 8_000));
    const [t] = matchAlerts(alerts, surges, decoys, { ...opts, exposure: traffic }).decoyTally;
    expect(t!.expected).toBeCloseTo((2 / (3_600_000 - 1_100)) * 3_300);
  });

  it('summarises recall and delays per group', () => {
    expect(recallOf(r.outcomes)).toEqual({ surges: 3, detected: 2, recall: 2 / 3, medianDelayMs: 30, p90DelayMs: 1_090 });
    expect(recallOf([]).recall).toBeNaN();
    expect(precision({ matched: 0, falseAlerts: [] })).toBe(1);
  });
});

describe('summary statistics', () => {
  it('uses nearest-rank percentiles', () => {
    const xs = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 90)).toBe(90);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('gives Poisson tails for judging whether decoy alerts exceed the background', () => {
    expect(poissonTail(0, 2)).toBe(1);
    expect(poissonTail(1, 2)).toBeCloseTo(1 - Math.exp(-2));
    expect(poissonTail(3, 2)).toBeCloseTo(1 - Math.exp(-2) * (1 + 2 + 2));
  });

  it('normalises false alerts per 10,000 product-days', () => {
    expect(falsePer10kProductDays(3, 10_000, 5)).toBeCloseTo(0.6);
  });
});
