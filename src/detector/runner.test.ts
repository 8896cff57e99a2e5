import { describe, expect, it } from 'vitest';
import type { CompiledRule, EngineStats, RuleEngine, Transition, TrendingSnapshot } from '../engine/types.js';
import type { HerdEvent } from '../events/schema.js';
import { createDetectorMetrics } from '../metrics/detector.js';
import { createRegistry } from '../metrics/registry.js';
import { createDetectorRunner } from './runner.js';
import { MemoryQueryStore } from '../store/memory.js';

const rule = { uid: 'u1', namespace: 'shop', name: 'r', severity: 'warning', key: 'productId', detector: { allowedLatenessMs: 30_000, windowMs: 60_000, bucketMs: 10_000, cooldownMs: 0 } } as unknown as CompiledRule;

/** An engine that fires one transition per event id it sees, with the id as key, and reports what it was asked. */
function fakeEngine(r: CompiledRule): RuleEngine & { advanced: number[] } {
  let events = 0;
  let watermark = Number.NEGATIVE_INFINITY;
  const advanced: number[] = [];
  const fire = (e: HerdEvent): Transition => ({
    id: `${r.uid}:${e.id}:0`, state: 'firing', ruleUid: r.uid, rule: `${r.namespace}/${r.name}`, detector: 'threshold', severity: 'warning',
    key: e.id, onset: 0, at: e.ts, value: 1, baseline: 0, lift: 0, score: 0, reason: 'fake',
  });
  return {
    rule: r, advanced,
    ingest: (es) => [...es].map((e) => {
      events++;
      watermark = Math.max(watermark, e.ts);
      return fire(e);
    }),
    advanceTo: (t) => {
      advanced.push(t);
      watermark = Math.max(watermark, t);
      return [];
    },
    trending: (): TrendingSnapshot => ({ ruleUid: r.uid, rule: `${r.namespace}/${r.name}`, at: watermark, entries: [] }),
    stats: (): EngineStats => ({ keys: 1, events, lateEvents: 0, filteredEvents: 0, evictedKeys: 0, watermark, stateBytes: 10 }),
  };
}

const ev = (id: string, ts: number): HerdEvent => ({ id, type: 'view', ts });

describe('createDetectorRunner', () => {
  it('emits each (id, state) once, even when the engine repeats it (replays)', async () => {
    const registry = createRegistry();
    const store = new MemoryQueryStore();
    const runner = createDetectorRunner({ rules: [rule], createEngine: fakeEngine, sink: store, metrics: createDetectorMetrics(registry) });
    expect(runner.ingest([ev('a', 1_000), ev('b', 2_000)]).map((t) => t.key)).toEqual(['a', 'b']);
    expect(runner.ingest([ev('a', 1_000), ev('c', 3_000)]).map((t) => t.key)).toEqual(['c']);
    await runner.settled();
    expect(store.alerts().map((t) => t.key)).toEqual(['c', 'b', 'a']);
    const text = await registry.metrics();
    expect(text).toContain('herdwatch_detector_transitions_total{rule="shop/r",state="firing",severity="warning"} 3');
    expect(text).toContain('herdwatch_detector_duplicate_transitions_total{rule="shop/r"} 1');
    expect(text).toContain('herdwatch_detector_events_total{rule="shop/r"} 4');
  });

  it('an idle tick moves the watermark to now minus allowed lateness and publishes a newer snapshot', async () => {
    const engines: ReturnType<typeof fakeEngine>[] = [];
    const store = new MemoryQueryStore();
    const runner = createDetectorRunner({ rules: [rule], createEngine: (r) => { const e = fakeEngine(r); engines.push(e); return e; }, sink: store });
    runner.tick(100_000);
    await runner.settled();
    expect(engines[0]!.advanced).toEqual([70_000]);
    expect(store.trending()[0]!.at).toBe(70_000);
    runner.tick(100_000);
    await runner.settled();
    expect(store.trending()).toHaveLength(1);
  });

  it('with minTrendIntervalMs, snapshots go out at most that often in wall time; the next tick sends the latest', async () => {
    const store = new MemoryQueryStore();
    let wall = 0;
    const sent: number[] = [];
    const runner = createDetectorRunner({
      rules: [rule], createEngine: fakeEngine, minTrendIntervalMs: 1_000, wallClock: () => wall,
      sink: { sendAlerts: (t) => store.sendAlerts(t), sendTrends: async (s) => void sent.push(s.at) },
    });
    for (let ts = 1_000; ts <= 5_000; ts += 1_000) runner.ingest([ev(`e${ts}`, ts)]);
    await runner.settled();
    expect(sent).toEqual([1_000]);
    wall += 1_000;
    runner.tick(0);
    await runner.settled();
    expect(sent).toEqual([1_000, 5_000]);
  });

  it('keeps a per-key lift gauge for at most the top 10 trending keys, replaced with each snapshot', async () => {
    const registry = createRegistry();
    let at = 0;
    let keys: string[] = [];
    const engine = (r: CompiledRule): RuleEngine => ({
      ...fakeEngine(r),
      trending: () => ({ ruleUid: r.uid, rule: 'shop/r', at, entries: keys.map((key, i) => ({ key, value: 10, baseline: 1, lift: 20 - i, score: 1, firing: false })) }),
    });
    const runner = createDetectorRunner({ rules: [rule], createEngine: engine, sink: new MemoryQueryStore(), metrics: createDetectorMetrics(registry, { trendingKeys: 50 }) });
    const series = async () => (await registry.getSingleMetricAsString('herdwatch_trending_lift')).split('\n').filter((l) => l.startsWith('herdwatch_trending_lift{'));
    at = 1;
    keys = Array.from({ length: 25 }, (_, i) => `p${i}`);
    runner.tick(0);
    expect(await series()).toHaveLength(10);
    expect((await series())[0]).toBe('herdwatch_trending_lift{rule="shop/r",key="p0"} 20');
    at = 2;
    keys = ['q1'];
    runner.tick(0);
    expect(await series()).toEqual(['herdwatch_trending_lift{rule="shop/r",key="q1"} 20']);
  });

  it('a failing sink is reported, and later sends still go out', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const sent: string[] = [];
    const runner = createDetectorRunner({
      rules: [rule], createEngine: fakeEngine, onError: (e) => errors.push(e),
      sink: {
        sendAlerts: async (ts) => {
          if (fail) throw new Error('down');
          sent.push(...ts.map((t) => t.key));
        },
        sendTrends: async () => undefined,
      },
    });
    runner.ingest([ev('a', 1)]);
    await runner.settled();
    fail = false;
    runner.ingest([ev('b', 2)]);
    await runner.settled();
    expect(errors).toHaveLength(1);
    expect(sent).toEqual(['b']);
  });
});

describe('per-key metrics and personal data', () => {
  const trending = (r: CompiledRule, keys: string[]): RuleEngine => ({
    ...fakeEngine(r),
    trending: () => ({ ruleUid: r.uid, rule: `${r.namespace}/${r.name}`, at: 1, entries: keys.map((key) => ({ key, value: 10, baseline: 1, lift: 20, score: 1, firing: false })) }),
  });
  const lift = async (registry: ReturnType<typeof createRegistry>) => (await registry.getSingleMetricAsString('herdwatch_trending_lift')).split('\n').filter((l) => l.startsWith('herdwatch_trending_lift{'));

  it('never exposes a user-keyed rule\'s keys on /metrics, even when per-key series are asked for', async () => {
    const registry = createRegistry();
    const byUser = { ...rule, key: 'userId' };
    const runner = createDetectorRunner({ rules: [byUser], sink: new MemoryQueryStore(), createEngine: (r) => trending(r, ['alice@example.com']), metrics: createDetectorMetrics(registry, { trendingKeys: 10 }) });
    runner.tick(0);
    expect(await lift(registry)).toEqual([]);
    expect(await registry.metrics()).not.toContain('alice@example.com');
  });

  it('gives product-keyed rules per-key series only when opted in', async () => {
    const off = createRegistry();
    createDetectorRunner({ rules: [rule], sink: new MemoryQueryStore(), createEngine: (r) => trending(r, ['p1']), metrics: createDetectorMetrics(off) }).tick(0);
    expect(await lift(off)).toEqual([]);
    const on = createRegistry();
    createDetectorRunner({ rules: [rule], sink: new MemoryQueryStore(), createEngine: (r) => trending(r, ['p1', 'p2', 'p3']), metrics: createDetectorMetrics(on, { trendingKeys: 2 }) }).tick(0);
    expect(await lift(on)).toHaveLength(2);
  });
});

describe('large steps', () => {
  it('returns 200,000 transitions from one step (no spread push into the argument stack)', () => {
    const many = (r: CompiledRule): RuleEngine => ({
      ...fakeEngine(r),
      ingest: () => Array.from({ length: 200_000 }, (_, i) => ({ id: `${r.uid}:k${i}:0`, rule: 'shop/r', ruleUid: r.uid, key: `k${i}`, state: 'firing', severity: 'warning', detector: 'threshold', onset: 0, at: 0, value: 1, baseline: 0, lift: 0, score: 0, reason: 'x' }) as Transition),
    });
    const runner = createDetectorRunner({ rules: [rule], createEngine: many, dedupCapacity: 300_000 });
    expect(runner.ingest([{ id: 'e', type: 'view', ts: 1, productId: 'p' }])).toHaveLength(200_000);
  });
});
