import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { createRuleEngine } from './index.js';
import { ev, MIN, steady, T0, testRule } from './testkit.js';

const YEAR_2099 = Date.UTC(2099, 0, 1);

describe('duplicate events (same id) count once', () => {
  it('five copies of one purchase do not fire velocity, and are counted as duplicates', () => {
    const rule = testRule({ type: 'velocity', window: '10m', bucket: '1m', maxEvents: 3 }, { key: 'userId' });
    const engine = createRuleEngine(rule);
    const buy: HerdEvent = { id: 'order-7', type: 'purchase', ts: T0, userId: 'u1', amount: 40 };
    const out = [...engine.ingest([buy, buy, { ...buy }]), ...engine.ingest([{ ...buy }, { ...buy }]), ...engine.advanceTo(T0 + 60 * MIN)];
    expect(out).toEqual([]);
    expect(engine.stats().duplicateEvents).toBe(4);
    // Four distinct purchases still fire.
    const again = createRuleEngine(rule);
    const distinct = [1, 2, 3, 4].map((i) => ({ ...buy, id: `order-${i}` }));
    expect([...again.ingest(distinct), ...again.advanceTo(T0 + 60 * MIN)].map((t) => t.state)).toEqual(['firing', 'resolved']);
  });

  it('a redelivered batch does not inflate a surge count', () => {
    const rule = testRule({ type: 'surge', minEvents: 5, relativeTo: 'none' });
    const base = steady('p', T0, T0 + 60 * MIN, 2);
    const once = createRuleEngine(rule);
    const twice = createRuleEngine(rule);
    once.ingest(base);
    twice.ingest(base);
    const burst = steady('p', T0 + 60 * MIN, T0 + 61 * MIN, 3);
    once.ingest(burst);
    twice.ingest(burst);
    twice.ingest(burst); // redelivered after a consumer restart
    once.advanceTo(T0 + 62 * MIN);
    twice.advanceTo(T0 + 62 * MIN);
    expect(twice.trending().entries).toEqual(once.trending().entries);
    // Each copy is either a duplicate or, once its bucket has closed, late: never counted.
    expect(twice.stats().duplicateEvents! + twice.stats().lateEvents).toBe(burst.length);
    expect(twice.stats().duplicateEvents).toBeGreaterThan(0);
  });

  it('remembers ids only for open buckets: memory follows lateness, not traffic history', () => {
    const engine = createRuleEngine(testRule({ type: 'surge' }));
    engine.ingest(steady('p', T0, T0 + 120 * MIN, 600));
    // 72,000 events over two hours; only the last ~30 s of lateness worth of ids are held.
    // (Most of the bound is the key store's first 1,024 records, allocated up front.)
    expect(engine.stats().stateBytes).toBeLessThan(220_000);
  });
});

describe('the watermark cannot be dragged into the future by one event', () => {
  const rule = testRule({ type: 'surge', minEvents: 5, relativeTo: 'none' });

  it('one event stamped 2099 does not close every bucket: later traffic still counts and still fires', () => {
    const engine = createRuleEngine(rule);
    engine.ingest(steady('p', T0, T0 + 60 * MIN, 2));
    const before = engine.stats().watermark;
    engine.ingest([ev(YEAR_2099, 'p')]);
    expect(engine.stats().watermark).toBe(before);
    expect(engine.stats().futureEvents).toBe(1);
    const out = engine.ingest(steady('p', T0 + 60 * MIN, T0 + 70 * MIN, 30));
    expect(engine.stats().lateEvents).toBe(0);
    expect(out.map((t) => t.state)).toContain('firing');
  });

  it('two far-future events still do not move it; a real jump (three or more agreeing events) does', () => {
    const engine = createRuleEngine(rule);
    engine.ingest(steady('p', T0, T0 + 30 * MIN, 2));
    engine.ingest([ev(YEAR_2099, 'p'), ev(YEAR_2099 + 1, 'q')]);
    expect(engine.stats().watermark).toBeLessThan(T0 + 30 * MIN);
    // Traffic resumes three hours later (a tracking gap): the stream moves on after three events.
    const resumed = steady('p', T0 + 210 * MIN, T0 + 220 * MIN, 2);
    engine.ingest(resumed);
    expect(engine.stats().watermark).toBeGreaterThan(T0 + 215 * MIN);
    expect(engine.stats().watermark).toBeLessThan(YEAR_2099);
    expect(engine.stats().lateEvents).toBe(0);
  });

  it('the skew is configurable', () => {
    const engine = createRuleEngine(rule, { futureSkewMs: 5 * MIN });
    engine.ingest([ev(T0, 'p'), ev(T0 + 10 * MIN, 'p')]);
    expect(engine.stats().futureEvents).toBe(1);
    expect(engine.stats().watermark).toBe(T0 - 30_000);
    // The clock (advanceTo) catching up releases it in order.
    engine.advanceTo(T0 + 9 * MIN);
    expect(engine.stats().watermark).toBe(T0 + 10 * MIN - 30_000);
    expect(engine.stats().lateEvents).toBe(0);
  });
});
