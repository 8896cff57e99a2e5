import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { createRuleEngine } from './index.js';
import { ev, MIN, steady, T0, testRule } from './testkit.js';
import type { Transition } from './types.js';

const byTs = (a: HerdEvent, b: HerdEvent) => a.ts - b.ts;

/** Deterministic Poisson-ish traffic: exponential gaps from a tiny LCG. */
function noisy(key: string, from: number, to: number, perMinute: number, seed: number): HerdEvent[] {
  let x = seed >>> 0;
  const rnd = () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return (x + 0.5) / 4294967296; };
  const out: HerdEvent[] = [];
  for (let t = from - Math.log(rnd()) * 60_000 / perMinute; t < to; t -= Math.log(rnd()) * 60_000 / perMinute) out.push(ev(Math.floor(t), key));
  return out;
}

function run(rule: ReturnType<typeof testRule>, events: HerdEvent[], until: number): Transition[] {
  const engine = createRuleEngine(rule);
  return [...engine.ingest([...events].sort(byTs)), ...engine.advanceTo(until)];
}

const surgeRule = (over: Record<string, unknown> = {}, extra = {}) =>
  testRule({ type: 'surge', baselineHalfLife: '1h', minEvents: 20, minLift: 3, sensitivity: 4, cooldown: '30m', ...over }, extra);

describe('surge', () => {
  it('fires once for a step surge and resolves after it with the same id', () => {
    const events = [
      ...steady('p1', T0, T0 + 180 * MIN, 10),
      ...steady('p1', T0 + 120 * MIN, T0 + 135 * MIN, 50), // ×6 for 15 minutes
      ...steady('p2', T0, T0 + 180 * MIN, 10),
    ];
    const ts = run(surgeRule(), events, T0 + 200 * MIN);
    expect(ts.map((t) => [t.state, t.key])).toEqual([['firing', 'p1'], ['resolved', 'p1']]);
    const [f, r] = ts as [Transition, Transition];
    expect(f.id).toBe(r.id);
    expect(f.id).toBe(`u1:p1:${f.onset}`);
    expect(f.onset).toBeGreaterThanOrEqual(T0 + 120 * MIN);
    expect(f.at - (T0 + 120 * MIN)).toBeLessThanOrEqual(3 * MIN); // lift over a 5m window passes 3 after ~2.5m
    expect(f.lift).toBeGreaterThanOrEqual(3);
    expect(f.score).toBeGreaterThanOrEqual(4);
    expect(f.reason).toMatch(/^p1: \d+ weighted events since 02:00 UTC \(for \d+s\) vs [\d.]+ expected, ×[\d.]+, from \d+\+? people/);
    expect(r.at).toBeGreaterThan(T0 + 135 * MIN);
    expect(r.at).toBeLessThan(T0 + 145 * MIN);
  });

  it('stays quiet on steady random traffic for a day', () => {
    const events = ['a', 'b', 'c', 'd'].flatMap((k, i) => noisy(k, T0, T0 + 24 * 60 * MIN, [2, 10, 60, 300][i]!, i + 1));
    expect(run(surgeRule(), events, T0 + 24 * 60 * MIN)).toEqual([]);
  });

  it('does not fire on a handful of events where almost none were expected', () => {
    // 1 event an hour, then 3 within a minute: a plain z-score says 9 sigma, the Poisson-aware score 2.3.
    const events = [...steady('rare', T0, T0 + 600 * MIN, 1 / 60), ...steady('rare', T0 + 300 * MIN + 1000, T0 + 301 * MIN, 3)];
    expect(run(surgeRule({ minEvents: 1, minLift: 1 }), events, T0 + 700 * MIN)).toEqual([]);
    const many = [...events, ...steady('rare', T0 + 302 * MIN, T0 + 303 * MIN, 12)];
    expect(run(surgeRule({ minEvents: 1, minLift: 1 }), many, T0 + 700 * MIN).map((t) => t.state).filter((s) => s !== 'escalated')).toEqual(['firing', 'resolved']);
  });

  it('does not fire again within the cooldown, and does after it', () => {
    const base = steady('p', T0, T0 + 300 * MIN, 10);
    const burst = (at: number) => steady('p', T0 + at * MIN, T0 + (at + 10) * MIN, 60);
    const within = run(surgeRule({ cooldown: '30m' }), [...base, ...burst(100), ...burst(125)], T0 + 320 * MIN);
    expect(within.filter((t) => t.state === 'firing')).toHaveLength(1);
    const after = run(surgeRule({ cooldown: '30m' }), [...base, ...burst(100), ...burst(180)], T0 + 320 * MIN);
    expect(after.filter((t) => t.state === 'firing')).toHaveLength(2);
    expect(new Set(after.map((t) => t.id)).size).toBe(2);
  });

  it('fires once while a surge wobbles around the threshold (hysteresis)', () => {
    const events = [...steady('p', T0, T0 + 240 * MIN, 10)];
    for (let m = 120; m < 160; m += 4) events.push(...steady('p', T0 + m * MIN, T0 + (m + 2) * MIN, m % 8 === 0 ? 60 : 25));
    const ts = run(surgeRule(), events, T0 + 260 * MIN);
    expect(ts.filter((t) => t.state === 'firing')).toHaveLength(1);
    expect(ts.filter((t) => t.state === 'resolved')).toHaveLength(1);
  });

  it('cold start: a new product with a few events is quiet, a genuinely huge one fires', () => {
    const rule = surgeRule();
    const small = steady('new-small', T0 + 60 * MIN, T0 + 70 * MIN, 4);
    const huge = steady('new-huge', T0 + 60 * MIN, T0 + 70 * MIN, 60);
    const ts = run(rule, [...steady('old', T0, T0 + 80 * MIN, 10), ...small, ...huge], T0 + 100 * MIN);
    expect(ts.filter((t) => t.state === 'firing').map((t) => t.key)).toEqual(['new-huge']);
  });

  it('relativeTo site: a site-wide ×3 does not page per product, a product ×10 on top still does', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const events = keys.flatMap((k) => [...steady(k, T0, T0 + 240 * MIN, 10), ...steady(k, T0 + 120 * MIN, T0 + 180 * MIN, 20)]);
    const plain = run(surgeRule({ minLift: 2.5 }), events, T0 + 260 * MIN);
    expect(plain.filter((t) => t.state === 'firing').length).toBeGreaterThan(10);
    const relative = run(surgeRule({ minLift: 2.5, relativeTo: 'site' }), events, T0 + 260 * MIN);
    expect(relative).toEqual([]);
    const hot = steady('p0', T0 + 150 * MIN, T0 + 160 * MIN, 300);
    const withHot = run(surgeRule({ minLift: 2.5, relativeTo: 'site' }), [...events, ...hot], T0 + 260 * MIN);
    expect(withHot.filter((t) => t.state === 'firing').map((t) => t.key)).toEqual(['p0']);
    expect(withHot[0]!.reason).toMatch(/site-wide traffic/);
  });

  it('weights event types and honours pre-aggregated counts', () => {
    const rule = surgeRule({}, { weights: { view: 1, purchase: 5 } });
    const burst = (extra: Partial<HerdEvent>, n: number) =>
      // Spread over a whole window, so that no part of it stands out more than the whole.
      run(rule, [...steady('p', T0, T0 + 90 * MIN, 10), ...steady('p', T0 + 60 * MIN, T0 + 65 * MIN, n / 5, extra)], T0 + 100 * MIN)
        .filter((t) => t.state === 'firing').length;
    expect(burst({ type: 'view' }, 30)).toBe(0); // 30 more views: ×1.6
    expect(burst({ type: 'purchase' }, 30)).toBe(1); // 30 purchases weigh 150: ×4
    expect(burst({ type: 'view', count: 5 }, 30)).toBe(1); // 30 events standing for 150 views
  });

  it('ranks trending keys by score, cheaply, and marks the firing ones', () => {
    const engine = createRuleEngine(surgeRule({ topK: 3 }));
    const events = [
      ...['a', 'b', 'c', 'd', 'e'].flatMap((k) => steady(k, T0, T0 + 120 * MIN, 10)),
      ...steady('c', T0 + 110 * MIN, T0 + 120 * MIN, 100),
      ...steady('a', T0 + 110 * MIN, T0 + 120 * MIN, 30),
    ].sort(byTs);
    engine.ingest(events);
    engine.advanceTo(T0 + 120 * MIN);
    const snap = engine.trending();
    // Ranked by score, which is dispersion-aware: c's jump also raised its minute-scale dispersion.
    expect(snap.entries.map((e) => e.key).slice(0, 2).sort()).toEqual(['a', 'c']);
    expect(snap.entries.length).toBeLessThanOrEqual(3);
    const scores = snap.entries.map((e) => e.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(snap.entries.find((e) => e.key === 'c')!.firing).toBe(true);
    expect(engine.trending(1).entries).toHaveLength(1);
  });
});
