import { describe, expect, it } from 'vitest';
import { engineStride, stateParts } from './engine.js';
import { createRuleEngine } from './index.js';
import { ACTOR_WORDS } from './key-actors.js';
import { ev, MIN, steady, T0, testRule } from './testkit.js';

describe('engine: filtering, lateness, eviction', () => {
  it('filters by event type, match and key, and counts what it dropped', () => {
    const rule = testRule({ type: 'surge' }, { source: { eventTypes: ['view', 'purchase'], match: { category: ['sneakers'] } } });
    const engine = createRuleEngine(rule);
    engine.ingest([
      ev(T0, 'a', { category: 'sneakers' }),
      ev(T0, 'b', { category: 'sneakers', type: 'add_to_cart' }), // wrong type
      ev(T0, 'c', { category: 'boots' }), // no match
      ev(T0, 'd', { attrs: { category: 'sneakers' } }), // match on attrs
      { id: 'x', type: 'view', ts: T0, category: 'sneakers' }, // no key
    ]);
    expect(engine.stats()).toMatchObject({ events: 5, filteredEvents: 3, keys: 2 });
  });

  it('keys on attrs when the field is not top level', () => {
    const engine = createRuleEngine(testRule({ type: 'surge' }, { key: 'brand' }));
    engine.ingest([ev(T0, 'a', { attrs: { brand: 'acme' } }), ev(T0, 'b', { attrs: { brand: 'acme' } }), ev(T0, 'c')]);
    expect(engine.stats()).toMatchObject({ keys: 1, filteredEvents: 1 });
  });

  it('counts late events and keeps them out of closed buckets', () => {
    const engine = createRuleEngine(testRule({ type: 'surge', allowedLateness: '30s' }));
    engine.ingest([ev(T0 + 10 * MIN, 'a')]);
    expect(engine.stats().watermark).toBe(T0 + 10 * MIN - 30_000);
    engine.ingest([ev(T0 + 10 * MIN - 25_000, 'a'), ev(T0 + 5 * MIN, 'a'), ev(T0, 'b')]);
    expect(engine.stats()).toMatchObject({ lateEvents: 2, events: 4, keys: 1 });
    engine.advanceTo(T0 + 20 * MIN);
    engine.ingest([ev(T0 + 19 * MIN, 'a')]);
    expect(engine.stats().lateEvents).toBe(3);
  });

  it('evicts idle keys, reports it, and a returning key starts over', () => {
    const engine = createRuleEngine(testRule({ type: 'surge', baselineHalfLife: '10m', cooldown: '1m' }));
    const keys = Array.from({ length: 2000 }, (_, i) => `p${i}`);
    engine.ingest(keys.map((k) => ev(T0, k)));
    const before = engine.stats();
    expect(before.keys).toBe(2000);
    expect(before.stateBytes).toBeGreaterThan(0);
    // Keep one key busy for 4 hours of event time; the others go idle.
    engine.ingest(steady('p0', T0 + MIN, T0 + 240 * MIN, 1));
    const after = engine.stats();
    expect(after.keys).toBe(1);
    expect(after.evictedKeys).toBe(1999);
    engine.ingest([ev(T0 + 241 * MIN, 'p5')]);
    expect(engine.stats().keys).toBe(2);
  });

  it('reports state bytes per key well under 150 for many cold keys', () => {
    const engine = createRuleEngine(testRule({ type: 'surge' }));
    const n = 200_000;
    const events = Array.from({ length: n }, (_, i) => ev(T0 + i, `sku-${i}`));
    engine.ingest(events);
    const s = engine.stats();
    expect(s.keys).toBe(n);
    expect(s.stateBytes / n).toBeLessThan(150);
  });

  it('silent ingest rebuilds state without emitting', () => {
    const rule = testRule({ type: 'threshold', field: 'amount', above: 100 });
    const engine = createRuleEngine(rule);
    expect(engine.ingest([ev(T0, 'u', { amount: 500 })], { silent: true })).toEqual([]);
    expect(engine.advanceTo(T0 + MIN, { silent: true })).toEqual([]);
    expect(engine.stats().events).toBe(1);
  });
});

describe('engine: big pre-aggregated counts stay exact', () => {
  it('sums counts beyond float32 range exactly, in any order', () => {
    // Pre-aggregated counts carry no people: minActors 1, as the docs advise for such series.
    const rule = testRule({ type: 'surge', minEvents: 1, minActors: 1, minLift: 1.5, sensitivity: 1, cooldown: '1m' });
    const big = [
      ...Array.from({ length: 12 }, (_, m) => ev(T0 + m * MIN, 'p', { count: 3 })),
      ev(T0 + 20 * MIN, 'p', { count: 9_999_999 }), ev(T0 + 20 * MIN + 1, 'p', { count: 1 }), ev(T0 + 20 * MIN + 2, 'p', { count: 16_385 }),
    ];
    const a = createRuleEngine(rule);
    const ta = [...a.ingest(big), ...a.advanceTo(T0 + 60 * MIN)];
    const b = createRuleEngine(rule);
    const tb = [...b.ingest([...big.slice(0, 12), big[14]!, big[13]!, big[12]!]), ...b.advanceTo(T0 + 60 * MIN)];
    expect(ta.find((t) => t.value > 1e6)?.value).toBe(9_999_999 + 1 + 16_385);
    expect(tb).toEqual(ta);
  });
});

describe('engine: advanceTo', () => {
  it('works before any event and ignores a non-finite time', () => {
    const engine = createRuleEngine(testRule({ type: 'surge' }));
    expect(engine.advanceTo(Number.NaN)).toEqual([]);
    expect(engine.advanceTo(T0)).toEqual([]);
    engine.ingest([ev(T0 - MIN, 'late'), ev(T0 + 1000, 'ok')]);
    expect(engine.stats()).toMatchObject({ lateEvents: 1, keys: 1, watermark: T0 });
  });
});

describe('engine: memory it reports', () => {
  it('stateBytes is the sum of its parts, and people counting is the only per-key cost minActors 1 saves', () => {
    const people = createRuleEngine(testRule({ type: 'surge', minActors: 3 }));
    const fast = createRuleEngine(testRule({ type: 'surge', minActors: 1 }));
    const events = Array.from({ length: 3000 }, (_, i) => ev(T0 + i * 100, `p${i % 700}`, { userId: `u${i % 50}` }));
    for (const engine of [people, fast]) {
      engine.ingest(events);
      const parts = stateParts(engine);
      expect(Object.values(parts).reduce((a, b) => a + b, 0)).toBe(engine.stats().stateBytes);
    }
    expect(engineStride(people) - engineStride(fast)).toBe(ACTOR_WORDS);
    expect(stateParts(people).actorSets).toBeGreaterThan(0);
    expect(stateParts(fast).actorSets).toBe(0);
  });
});
