import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { createRuleEngine } from './index.js';
import { ev, MIN, steady, T0, testRule } from './testkit.js';
import type { CompiledRule, Transition } from './types.js';

const HOUR = 60 * MIN;
const catalogueRule = (detector: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): CompiledRule =>
  testRule({ type: 'surge', relativeTo: 'none', ...detector }, { weights: { view: 1, add_to_cart: 3, purchase: 5 }, ...extra });

function run(rule: CompiledRule, events: HerdEvent[], until: number): Transition[] {
  events.sort((a, b) => a.ts - b.ts);
  const engine = createRuleEngine(rule);
  return [...engine.ingest(events), ...engine.advanceTo(until)];
}

/** `perMinute` events of `key`, each by a different shopper. */
const crowd = (key: string, from: number, to: number, perMinute: number, tag: string, extra: Partial<HerdEvent> = {}): HerdEvent[] =>
  steady(key, from, to, perMinute, extra).map((e, i) => ({ ...e, userId: `${tag}${i}` }));

describe('a herd is many people (minActors, the busiest person)', () => {
  const quiet = () => crowd('sega', T0, T0 + 6 * HOUR, 1 / 30, 'bg');

  it('one shopper with two views and four purchases does not page; six shoppers doing the same do', () => {
    const one = [ev(T0 + 5 * HOUR, 'sega', { userId: 'u1' }), ev(T0 + 5 * HOUR + 5_000, 'sega', { userId: 'u1' }),
      ...[1, 2, 3, 4].map((i) => ev(T0 + 5 * HOUR + 10_000 * i, 'sega', { userId: 'u1', type: 'purchase' }))];
    expect(run(catalogueRule(), [...quiet(), ...one], T0 + 7 * HOUR)).toEqual([]);
    const six = [1, 2, 3, 4, 5, 6].flatMap((u) => [ev(T0 + 5 * HOUR + u * 3_000, 'sega', { userId: `s${u}` }),
      ev(T0 + 5 * HOUR + u * 3_000 + 1_000, 'sega', { userId: `s${u}`, type: 'purchase' })]);
    const fired = run(catalogueRule(), [...quiet(), ...six], T0 + 7 * HOUR).filter((t) => t.state === 'firing');
    expect(fired).toHaveLength(1);
    expect(fired[0]!.actors).toBeGreaterThanOrEqual(3);
    expect(fired[0]!.reason).toContain(`from ${fired[0]!.actors} people`);
  });

  it('one shopper cannot carry an ordinary crowd over the bar: the score must hold without the busiest person', () => {
    // As on simulator seed 9: a product at 3 views a minute from different people has an ordinary
    // 2× bump for 4.5 minutes (score ~3.4 alone, far below the bar); one shopper's two views and
    // four purchases on top (22 weighted events, under half the run) used to page it, from 16+ people.
    const at = T0 + 5 * HOUR;
    const background = [...crowd('p', T0, T0 + 7 * HOUR, 3, 'bg'), ...crowd('p', at + 5_000, at + 4.5 * MIN, 3.5, 'bump')];
    const shopper = [0, 10, 20, 30, 40, 50].map((s, i) => ev(at + 3.5 * MIN + s * 1_000, 'p', { userId: 'one', type: i < 2 ? 'view' : 'purchase' }));
    expect(run(catalogueRule(), [...background, ...shopper], T0 + 7 * HOUR)).toEqual([]);
    // Eight people doing what the one shopper did, on the same crowd, page.
    const herd = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((u) => [ev(at + 3.5 * MIN + u * 4_000, 'p', { userId: `h${u}` }),
      ev(at + 3.5 * MIN + u * 4_000 + 1_000, 'p', { userId: `h${u}`, type: 'purchase' })]);
    expect(run(catalogueRule(), [...background, ...herd], T0 + 7 * HOUR).filter((t) => t.state === 'firing')).toHaveLength(1);
  });

  it('a bot hammering a busy product does not page: the lift must hold without the busiest person', () => {
    const bot = steady('p', T0 + 4 * HOUR, T0 + 4 * HOUR + 20 * MIN, 60, { userId: 'bot' });
    expect(run(catalogueRule(), [...crowd('p', T0, T0 + 6 * HOUR, 20, 'u'), ...bot], T0 + 7 * HOUR)).toEqual([]);
  });

  it('the trending list says how many people are behind each entry, the same count an alert reports', () => {
    const engine = createRuleEngine(catalogueRule());
    // Up to the middle of a 10-people-a-minute surge: the snapshot is taken while it is on.
    const events = [...quiet(), ...crowd('sega', T0 + 5 * HOUR, T0 + 5 * HOUR + 6 * MIN, 10, 'c')]
      .filter((e) => e.ts < T0 + 5 * HOUR + 5 * MIN).sort((a, b) => a.ts - b.ts);
    const fired = engine.ingest(events).filter((t) => t.state === 'firing');
    const entry = engine.trending().entries.find((e) => e.key === 'sega');
    expect(entry?.actors).toBeGreaterThanOrEqual(3);
    expect(fired[0]?.actors).toBeGreaterThanOrEqual(3);
    // minActors 1 turns people counting off: trending then says nothing about people.
    const off = createRuleEngine(catalogueRule({ minActors: 1 }));
    off.ingest(events);
    expect(off.trending().entries.find((e) => e.key === 'sega')).not.toHaveProperty('actors');
  });

  it('stats report coverage: how many of the keys held have ever reached minEvents (could page)', () => {
    const engine = createRuleEngine(catalogueRule());
    const busy = crowd('busy', T0, T0 + HOUR, 10, 'b');
    const sparse = ['s1', 's2', 's3'].flatMap((k) => crowd(k, T0, T0 + HOUR, 1 / 10, k));
    engine.ingest([...busy, ...sparse].sort((a, b) => a.ts - b.ts));
    engine.advanceTo(T0 + HOUR);
    expect(engine.stats()).toMatchObject({ keys: 4, keysAtMinEvents: 1 });
  });

  it('sessions stand in for users when there is no userId', () => {
    const one = steady('p', T0 + 5 * HOUR, T0 + 5 * HOUR + 5 * MIN, 10, { sessionId: 'sess-1' });
    expect(run(catalogueRule(), [...quiet().map((e) => ({ ...e, productId: 'p' })), ...one], T0 + 7 * HOUR)).toEqual([]);
  });
});

describe('escalation', () => {
  it('an open alert at ~2.5× that grows to 12× sends one escalated update on the same id, then resolves', () => {
    const base = crowd('p', T0, T0 + 8 * HOUR, 10, 'b');
    const up = crowd('p', T0 + 4 * HOUR, T0 + 4 * HOUR + 40 * MIN, 15, 's1');
    const way = crowd('p', T0 + 4 * HOUR + 40 * MIN, T0 + 5 * HOUR, 110, 's2');
    const ts = run(catalogueRule({ cooldown: '10m' }), [...base, ...up, ...way], T0 + 9 * HOUR);
    expect(ts.map((t) => t.state)).toEqual(['firing', 'escalated', 'resolved']);
    const [fire, esc, res] = ts as [Transition, Transition, Transition];
    expect(new Set([fire.id, esc.id, res.id]).size).toBe(1);
    expect(fire.lift).toBeLessThan(4);
    expect(esc.lift).toBeGreaterThanOrEqual(2 * fire.lift);
    expect(esc).toMatchObject({ escalation: 1, pagedLift: fire.lift });
    expect(esc.reason).toMatch(/now .*× its usual rate \(was .*× when last paged; escalates at ×2\)/);
  });

  it('escalateAt is a rule option: at ×10 the same surge does not escalate', () => {
    const base = crowd('p', T0, T0 + 8 * HOUR, 10, 'b');
    const up = crowd('p', T0 + 4 * HOUR, T0 + 4 * HOUR + 40 * MIN, 15, 's1');
    const way = crowd('p', T0 + 4 * HOUR + 40 * MIN, T0 + 5 * HOUR, 110, 's2');
    expect(run(catalogueRule({ escalateAt: 10 }), [...base, ...up, ...way], T0 + 9 * HOUR).map((t) => t.state)).toEqual(['firing', 'resolved']);
  });
});

describe('one-bucket spikes with a long window', () => {
  // 5-minute buckets and a 1 h window: a single bucket at 3× is diluted to 1.17× over the window.
  const rule = catalogueRule({ bucket: '5m', window: '1h', allowedLateness: '1m' });
  const base = () => crowd('p', T0, T0 + 30 * HOUR, 4, 'b');

  it('a single 5-minute bucket at 3× its usual rate, by many people, fires', () => {
    const spike = crowd('p', T0 + 26 * HOUR, T0 + 26 * HOUR + 5 * MIN, 8, 's');
    const fired = run(rule, [...base(), ...spike], T0 + 31 * HOUR).filter((t) => t.state === 'firing');
    expect(fired).toHaveLength(1);
    expect(fired[0]!.reason).toMatch(/^p: 60 weighted events since 02:00 UTC \(for 5m\) vs [\d.]+ expected, ×3\.\d+/);
    expect(fired[0]!.at).toBe(T0 + 26 * HOUR + 5 * MIN);
  });

  it('does not flood on noise: a day of steady random traffic on 50 products stays quiet', () => {
    const events: HerdEvent[] = [];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let k = 0; k < 50; k++) {
      for (let t = T0; t < T0 + 30 * HOUR;) { t += (-Math.log(1 - rnd()) * MIN) / 4; events.push(ev(Math.floor(t), `p${k}`, { userId: `u${Math.floor(rnd() * 1e6)}` })); }
    }
    expect(run(rule, events, T0 + 31 * HOUR).filter((t) => t.state === 'firing')).toEqual([]);
  });
});

describe('what is counted', () => {
  it('weightBy quantity counts units: a purchase of three weighs three purchases', () => {
    const byEvents = createRuleEngine(catalogueRule({ minEvents: 1, minActors: 1 }));
    const byUnits = createRuleEngine(catalogueRule({ minEvents: 1, minActors: 1 }, { weightBy: 'quantity' }));
    for (const e of [byEvents, byUnits]) { e.ingest([ev(T0, 'p', { type: 'purchase', quantity: 3, userId: 'a' }), ev(T0 + 1_000, 'p', { type: 'purchase', userId: 'b' })]); e.advanceTo(T0 + 2 * MIN); }
    expect(byEvents.trending().entries[0]!.value).toBe(10);
    expect(byUnits.trending().entries[0]!.value).toBe(20);
  });

  it('count: 0 (an observed empty interval) is accepted and counts nothing', () => {
    const engine = createRuleEngine(catalogueRule({ minEvents: 1, minActors: 1 }));
    engine.ingest([ev(T0, 'p', { count: 0 }), ev(T0 + 1_000, 'p', { count: 2, userId: 'x' })]);
    engine.advanceTo(T0 + 2 * MIN);
    expect(engine.stats()).toMatchObject({ events: 2, filteredEvents: 0 });
    expect(engine.trending().entries[0]!.value).toBe(2);
  });

  it('alerts say what was counted: types and weights, units, window and buckets', () => {
    const base = crowd('p', T0, T0 + 6 * HOUR, 10, 'b');
    const surge = crowd('p', T0 + 4 * HOUR, T0 + 4 * HOUR + 20 * MIN, 60, 's');
    const rule = testRule({ type: 'surge', window: '10m', bucket: '1m', relativeTo: 'none' },
      { source: { eventTypes: ['view', 'purchase'] }, weights: { view: 1, purchase: 5 }, weightBy: 'quantity' });
    const fired = run(rule, [...base, ...surge], T0 + 7 * HOUR).find((t) => t.state === 'firing')!;
    expect(fired.counted).toBe('units bought or viewed (quantity, 1 when absent) (view ×1, purchase ×5) per productId, in the last 10m (10 buckets of 1m)');
    expect(fired.reason).toMatch(/^p: \d+ weighted units since 04:00 UTC \(for \d+m\) vs [\d.]+ expected/);
  });
});
