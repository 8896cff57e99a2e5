import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { createRuleEngine } from './index.js';
import { ev, MIN, T0, testRule } from './testkit.js';
import type { CompiledRule, Transition } from './types.js';

const buy = (ts: number, userId: string, extra: Partial<HerdEvent> = {}): HerdEvent =>
  ev(ts, 'x', { type: 'purchase', userId, ...extra });

function run(rule: CompiledRule, events: HerdEvent[], until: number): Transition[] {
  const engine = createRuleEngine(rule);
  return [...engine.ingest(events), ...engine.advanceTo(until)];
}

describe('velocity', () => {
  const rule = testRule({ type: 'velocity', window: '10m', bucket: '1m', maxEvents: 3, cooldown: '5m' }, { key: 'userId' });

  it('fires when a key has more than maxEvents within the window, with the events behind it', () => {
    const events = [buy(T0, 'u1'), buy(T0 + 2 * MIN, 'u1'), buy(T0 + 4 * MIN, 'u1'), buy(T0 + 6 * MIN, 'u1'), buy(T0 + 6 * MIN, 'u2')];
    const ts = run(rule, events, T0 + 60 * MIN);
    expect(ts.map((t) => [t.state, t.key])).toEqual([['firing', 'u1'], ['resolved', 'u1']]);
    expect(ts[0]!.eventIds).toEqual(events.slice(0, 4).map((e) => e.id));
    expect(ts[0]!.at).toBe(T0 + 6 * MIN);
    expect(ts[0]!.value).toBe(4);
    // The window is (t − 10m, t]: at the close at T0 + 10m the oldest of the four has left it.
    expect(ts[1]!.at).toBe(T0 + 10 * MIN);
    expect(ts[1]!.id).toBe(ts[0]!.id);
  });

  it('does not fire for maxEvents spread wider than the window', () => {
    const events = [0, 4, 8, 12, 16].map((m) => buy(T0 + m * MIN, 'u1'));
    expect(run(rule, events, T0 + 60 * MIN)).toEqual([]);
  });

  it('counts a pre-aggregated event as its count', () => {
    expect(run(rule, [buy(T0, 'u1', { count: 4 })], T0 + 60 * MIN).map((t) => t.state)).toEqual(['firing', 'resolved']);
  });
});

describe('threshold', () => {
  const rule = testRule({ type: 'threshold', field: 'amount', above: 50_000, bucket: '1m', cooldown: '5m' }, { key: 'userId' });

  it('says the amount as it was: 123,456.78 and 50,001, not 123000 or "50000 is above 50000"', () => {
    const ts = run(rule, [buy(T0, 'u1', { amount: 123_456.78 }), buy(T0, 'u2', { amount: 50_001 })], T0 + 60 * MIN);
    const reasons = ts.filter((t) => t.state === 'firing').map((t) => t.reason).join(' | ');
    expect(reasons).toContain('amount 123,456.78 is above 50,000');
    expect(reasons).toContain('amount 50,001 is above 50,000');
  });

  it('fires at each offending event of a key once, and resolves after the cooldown', () => {
    const events = [
      buy(T0, 'u1', { amount: 49_999 }),
      buy(T0 + MIN, 'u1', { amount: 50_000 }), // not strictly above
      buy(T0 + 2 * MIN, 'u1', { amount: 72_000 }),
      buy(T0 + 3 * MIN, 'u2', { attrs: { amount: '60000' } }),
      buy(T0 + 4 * MIN, 'u1', { amount: 51_000 }),
    ];
    const ts = run(rule, events, T0 + 60 * MIN);
    expect(ts.map((t) => [t.state, t.key, t.at - T0])).toEqual([
      ['firing', 'u1', 2 * MIN],
      ['firing', 'u2', 3 * MIN],
      ['resolved', 'u2', 9 * MIN],
      ['resolved', 'u1', 10 * MIN],
    ]);
    expect(ts[0]!.eventIds).toEqual([events[2]!.id]);
    expect(ts[0]!.reason).toContain('amount 72,000 is above 50,000');
    expect(ts[3]!.eventIds).toEqual([events[2]!.id, events[4]!.id]);
  });

  it('keyed by event id, every offending transaction is its own alert', () => {
    const perEvent = testRule({ type: 'threshold', field: 'amount', above: 100 }, { key: 'id' });
    const ts = run(perEvent, [buy(T0, 'u', { amount: 200 }), buy(T0 + 1, 'u', { amount: 300 })], T0 + 60 * MIN);
    expect(ts.filter((t) => t.state === 'firing')).toHaveLength(2);
  });
});

describe('novelty', () => {
  const rule = testRule({ type: 'novelty', field: 'location', memory: '1d', minHistory: 1, bucket: '1m', cooldown: '1m' }, { key: 'userId' });

  it('flags a value new for the key, once the key has history', () => {
    const events = [
      buy(T0, 'u1', { location: 'Berlin' }), // first event: no history, not novel
      buy(T0 + MIN, 'u1', { location: 'Berlin' }),
      buy(T0 + 2 * MIN, 'u1', { location: 'Lagos' }), // novel
      buy(T0 + 3 * MIN, 'u2', { location: 'Lagos' }), // u2's first: not novel
      buy(T0 + 10 * MIN, 'u1', { location: 'Lagos' }), // seen now
    ];
    const ts = run(rule, events, T0 + 60 * MIN);
    expect(ts.map((t) => [t.state, t.key])).toEqual([['firing', 'u1'], ['resolved', 'u1']]);
    expect(ts[0]!.eventIds).toEqual([events[2]!.id]);
    expect(ts[0]!.reason).toContain('"Lagos"');
  });

  it('forgets values after the memory', () => {
    const events = [buy(T0, 'u1', { location: 'Berlin' }), buy(T0 + MIN, 'u1', { location: 'Paris' }), buy(T0 + 2 * 1440 * MIN, 'u1', { location: 'Paris' })];
    // Two days later the key starts over (idle longer than memory), so Paris is its first value again.
    expect(run(rule, events, T0 + 3 * 1440 * MIN).filter((t) => t.state === 'firing')).toHaveLength(1);
    const withHistory = [...events.slice(0, 2), buy(T0 + 2000 * MIN, 'u1', { location: 'Berlin' }), buy(T0 + 2 * 1440 * MIN + MIN, 'u1', { location: 'Paris' })];
    // Paris last seen at T0+1m, more than a day before: novel again.
    expect(run(rule, withHistory, T0 + 3 * 1440 * MIN).filter((t) => t.state === 'firing')).toHaveLength(2);
  });
});

describe('trending for per-event detectors', () => {
  it('lists keys with an open alert', () => {
    const engine = createRuleEngine(testRule({ type: 'threshold', field: 'amount', above: 10 }, { key: 'userId' }));
    engine.ingest([buy(T0, 'u1', { amount: 20 }), buy(T0, 'u2', { amount: 50 })]);
    engine.advanceTo(T0 + MIN);
    expect(engine.trending().entries.map((e) => e.key)).toEqual(['u2', 'u1']);
  });
});
