import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { Engine } from './engine.js';
import { createRuleEngine } from './index.js';
import { T0, testRule } from './testkit.js';
import type { CompiledRule, Transition } from './types.js';

const LATENESS = 30_000;
const SPAN = 90 * 60_000;

const rules: Record<string, CompiledRule> = {
  surge: testRule({ type: 'surge', window: '2m', bucket: '10s', allowedLateness: '30s', baselineHalfLife: '10m', minEvents: 5, minLift: 2, sensitivity: 2, cooldown: '2m', relativeTo: 'site' }, { weights: { view: 1, purchase: 5 } }),
  // priorBy: its group moments must depend only on closed buckets (run on catalogueArb below).
  prior: testRule({ type: 'surge', window: '2m', bucket: '10s', allowedLateness: '30s', baselineHalfLife: '10m', minEvents: 5, minLift: 2, sensitivity: 2, cooldown: '2m', relativeTo: 'site', priorBy: 'category' }, { weights: { view: 1, purchase: 5 } }),
  seasonal: testRule({ type: 'surge', window: '2m', bucket: '10s', allowedLateness: '30s', baselineHalfLife: '10m', minEvents: 5, minLift: 2, sensitivity: 2, cooldown: '2m', relativeTo: 'site', seasonality: 'daily' }, { weights: { view: 1, purchase: 5 } }),
  velocity: testRule({ type: 'velocity', window: '1m', bucket: '10s', allowedLateness: '30s', maxEvents: 3, cooldown: '1m' }),
  threshold: testRule({ type: 'threshold', field: 'amount', above: 900, bucket: '10s', allowedLateness: '30s', cooldown: '1m' }),
  novelty: testRule({ type: 'novelty', field: 'location', memory: '20m', minHistory: 2, bucket: '10s', allowedLateness: '30s', cooldown: '1m' }),
};

/** Random shop traffic: background events plus bursts, so every detector has something to say. */
const trafficArb = fc.record({
  background: fc.array(fc.record({ key: fc.integer({ min: 0, max: 5 }), t: fc.integer({ min: 0, max: SPAN }), amount: fc.integer({ min: 0, max: 1000 }), loc: fc.integer({ min: 0, max: 3 }), buy: fc.boolean() }), { maxLength: 400 }),
  bursts: fc.array(fc.record({ key: fc.integer({ min: 0, max: 5 }), t: fc.integer({ min: 0, max: SPAN }), n: fc.integer({ min: 5, max: 60 }) }), { maxLength: 4 }),
}).map(({ background, bursts }) => {
  const raw: Omit<HerdEvent, 'id'>[] = background.map((b) => ({
    type: b.buy ? 'purchase' : 'view', ts: T0 + b.t, productId: `p${b.key}`, amount: b.amount, location: `L${b.loc}`,
  }));
  for (const b of bursts) {
    for (let i = 0; i < b.n; i++) raw.push({ type: 'view', ts: T0 + b.t + ((i * 7919) % 40_000), productId: `p${b.key}`, amount: 10, location: 'L0' });
  }
  raw.sort((a, b) => a.ts - b.ts);
  return raw.map((e, i): HerdEvent => ({ ...e, id: `e${String(i).padStart(5, '0')}` }));
});

/**
 * Denser traffic over more keys in two categories, for the category prior: a group needs three
 * established keys before its prior is used. A key's events sometimes name the other category,
 * so which one it belongs to must not depend on which of them arrives first.
 */
const catalogueArb = fc.record({
  background: fc.array(fc.record({ key: fc.integer({ min: 0, max: 11 }), t: fc.integer({ min: 0, max: SPAN }), other: fc.integer({ min: 0, max: 9 }), buy: fc.boolean() }), { minLength: 300, maxLength: 900 }),
  bursts: fc.array(fc.record({ key: fc.integer({ min: 0, max: 11 }), t: fc.integer({ min: 0, max: SPAN }), n: fc.integer({ min: 5, max: 60 }) }), { maxLength: 4 }),
}).map(({ background, bursts }) => {
  const category = (key: number, other: boolean) => `c${(key + (other ? 1 : 0)) % 2}`;
  const raw: Omit<HerdEvent, 'id'>[] = background.map((b) => ({ type: b.buy ? 'purchase' : 'view', ts: T0 + b.t, productId: `p${b.key}`, category: category(b.key, b.other === 0) }));
  for (const b of bursts) {
    for (let i = 0; i < b.n; i++) raw.push({ type: 'view', ts: T0 + b.t + ((i * 7919) % 40_000), productId: `p${b.key}`, category: category(b.key, false) });
  }
  raw.sort((a, b) => a.ts - b.ts);
  return raw.map((e, i): HerdEvent => ({ ...e, id: `e${String(i).padStart(5, '0')}` }));
});
const arbitraryOf = (name: string) => (name === 'prior' ? catalogueArb : trafficArb);

/**
 * Same transitions. On the denser catalogue traffic a key's float32 baseline can differ in its
 * last bit with the arrival order (it is folded in different pieces when a window cell is
 * reused; this happens without priorBy too, see NOTES): there the numbers are compared to 1e-6,
 * everything else (which alerts, keys, times, counts, people) exactly.
 */
function expectSame(name: string, got: Transition[], want: Transition[]): void {
  if (name !== 'prior') { expect(got).toEqual(want); return; }
  const strip = (t: Transition) => ({ ...t, baseline: 0, lift: 0, score: 0, reason: '', pagedLift: 0 });
  expect(got.map(strip)).toEqual(want.map(strip));
  got.forEach((t, i) => {
    const w = want[i]!;
    for (const k of ['baseline', 'lift', 'score'] as const) expect(Math.abs(t[k] - w[k])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(w[k])));
  });
}

const END = T0 + SPAN + 3_600_000;
// fast-check draws a fresh seed every run, so every CI run explores new traffic, and prints
// it with the shrunk counterexample when a run fails; HW_SEED=<n> replays that run.
const SEED = process.env.HW_SEED !== undefined ? { seed: Number(process.env.HW_SEED) } : {};
const RUNS = process.env.HW_RUNS !== undefined ? Number(process.env.HW_RUNS) : 40;

function reference(rule: CompiledRule, events: HerdEvent[]): Transition[] {
  const engine = createRuleEngine(rule);
  return [...engine.ingest(events), ...engine.advanceTo(END)];
}

describe.each(Object.keys(rules))('determinism (%s)', (name) => {
  const rule = rules[name]!;

  it('replay in any chunks, with watermark advances in between, gives the same transitions', () => {
    fc.assert(fc.property(arbitraryOf(name), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 30 }), fc.boolean(),
      (events, cuts, advance) => {
        const engine = createRuleEngine(rule);
        const got: Transition[] = [];
        let i = 0;
        for (let c = 0; i < events.length; c++) {
          const size = cuts[c % cuts.length]!;
          got.push(...engine.ingest(events.slice(i, i + size)));
          i += size;
          // Advancing the watermark to the next event's time never passes an event still to come.
          if (advance && i < events.length) got.push(...engine.advanceTo(events[i]!.ts));
        }
        got.push(...engine.advanceTo(END));
        expectSame(name, got, reference(rule, events));
      }), { numRuns: RUNS, ...SEED });
  });

  it('events reordered within the allowed lateness give the same transitions and none is late', () => {
    fc.assert(fc.property(arbitraryOf(name), fc.array(fc.integer({ min: 0, max: LATENESS }), { minLength: 1, maxLength: 97 }),
      (events, delays) => {
        // Each event arrives at ts + delay ≤ ts + lateness: never later than its lateness allows.
        const arrival = events.map((e, i) => ({ e, at: e.ts + delays[i % delays.length]!, i }))
          .sort((a, b) => a.at - b.at || a.i - b.i).map((x) => x.e);
        const engine = createRuleEngine(rule);
        const got = [...arrival.flatMap((e) => engine.ingest([e])), ...engine.advanceTo(END)];
        expect(engine.stats().lateEvents).toBe(0);
        expectSame(name, got, reference(rule, events));
      }), { numRuns: RUNS, ...SEED });
  });
});

it('the generated traffic makes every detector fire at least sometimes', () => {
  const sample = fc.sample(trafficArb, { numRuns: 30, seed: 7 });
  for (const [name, rule] of Object.entries(rules)) {
    const fired = (name === 'prior' ? fc.sample(catalogueArb, { numRuns: 30, seed: 7 }) : sample).filter((events) => reference(rule, events).length > 0).length;
    expect(fired, name).toBeGreaterThan(0);
  }
  // The category prior is in force in some of the catalogue traffic, and changes what is decided there.
  const catalogue = fc.sample(catalogueArb, { numRuns: 30, seed: 7 });
  expect(catalogue.some((events) => {
    const engine = new Engine(rules.prior!);
    engine.ingest(events);
    return engine.priorOf('c0') !== undefined || engine.priorOf('c1') !== undefined;
  })).toBe(true);
  const flat = testRule({ type: 'surge', window: '2m', bucket: '10s', allowedLateness: '30s', baselineHalfLife: '10m', minEvents: 5, minLift: 2, sensitivity: 2, cooldown: '2m', relativeTo: 'site' }, { weights: { view: 1, purchase: 5 } });
  expect(catalogue.some((events) => JSON.stringify(reference(flat, events)) !== JSON.stringify(reference(rules.prior!, events)))).toBe(true);
});

/** Feeds events in the order they arrive when event i is delayed by delays[i % delays.length] ms. */
function arrivalOrder(events: HerdEvent[], delays: number[]): HerdEvent[] {
  return events.map((e, i) => ({ e, at: e.ts + delays[i % delays.length]!, i }))
    .sort((a, b) => a.at - b.at || a.i - b.i).map((x) => x.e);
}

function replay(rule: CompiledRule, order: HerdEvent[]): Transition[] {
  const engine = createRuleEngine(rule);
  return [...order.flatMap((e) => engine.ingest([e])), ...engine.advanceTo(END)];
}

function numbered(raw: Omit<HerdEvent, 'id'>[]): HerdEvent[] {
  return raw.map((e, i): HerdEvent => ({ ...e, id: `e${String(i).padStart(5, '0')}` }));
}

// Counterexamples the property found before they were fixed, kept as plain tests.
describe('reordering within lateness (found counterexamples)', () => {
  it('a key back after exactly its idle span starts over or not by event time, not by which event arrives first', () => {
    // surge (idle span 40 min = 241 buckets of 10 s): p0 is seen once at 130 s and comes back
    // 240 buckets later; its first returning event is 5.5 s late, so the second one (a bucket
    // later, 241 after) arrives first. p1's early burst gives the site a history.
    const p1 = [0];
    for (const start of [5_894, 13_813, 21_732, 30_056, 37_975]) for (let i = 0; i < 6; i++) p1.push(start + i * 405);
    const p0 = [130_000, 2_535_377];
    for (const start of [2_540_866, 2_548_785, 2_556_704, 2_565_028, 2_572_947]) for (let i = 0; i < 7; i++) p0.push(start + i * 405);
    const raw = [...p1.map((x) => ({ x, p: 'p1' })), ...p0.map((x) => ({ x, p: 'p0' }))];
    const surge = numbered(raw.map(({ x, p }) => ({ type: 'view', ts: T0 + x, productId: p })));
    const late = surge.map((e) => (e.ts === T0 + 2_535_377 ? 5_490 : 0));
    expect(replay(rules.surge!, arrivalOrder(surge, late))).toEqual(replay(rules.surge!, surge));
    // novelty (idle span 21 min 50 s = 131 buckets): three events at L1, back 131 buckets later at L0.
    const nov = numbered([0, 1_000, 130_000, 1_440_000, 1_450_500].map((x) => ({ type: 'view', ts: T0 + x, productId: 'p0', location: x < 200_000 ? 'L1' : 'L0' })));
    const want = replay(rules.novelty!, nov);
    expect(want.map((t) => t.state)).toEqual(['firing', 'resolved']);
    expect(replay(rules.novelty!, arrivalOrder(nov, [0, 0, 0, 20_000, 0]))).toEqual(want);
  });

  it('an event just over the future skew, held, is released as soon as the stream catches up, not left to be late', () => {
    // e1 is exactly one future skew (1 h) after e0 and arrives 8 s late, after e2, which is just
    // over the skew and so is held; e1's arrival must release e2 before later events close its bucket.
    const events = numbered([1_080_405, 4_680_405, 4_688_324, 4_696_243, 4_704_162, 4_712_081, 4_720_000]
      .map((x) => ({ type: 'view', ts: T0 + x, productId: 'p0' })));
    for (const name of ['velocity', 'surge']) {
      const engine = createRuleEngine(rules[name]!);
      const got = [...arrivalOrder(events, [0, 7_920]).flatMap((e) => engine.ingest([e])), ...engine.advanceTo(END)];
      expect(engine.stats().lateEvents, name).toBe(0);
      expect(got, name).toEqual(replay(rules[name]!, events));
    }
  });

  it('a burst judged with minute-group dispersion does not depend on which event arrived first', () => {
    // The first event arrives 8 s late: the engine's bucket numbering then starts a bucket
    // later; minute groups must still fall on the same event-time minutes.
    const ts = [12081, 20000, 27919, 35838, 43757, 127458, 133352, 133757, 134162, 134567, 134972, 135377, 141271, 141676,
      142081, 142486, 142891, 143296, 149190, 149595, 150000, 150405, 150810, 151215, 157109, 157514, 157919, 158324, 158729,
      159134, 165433, 165838, 166243, 166648, 167053];
    const events = numbered(ts.map((x) => ({ type: 'view', ts: T0 + x, productId: 'p1' })));
    expect(replay(rules.surge!, arrivalOrder(events, [7920, 0]))).toEqual(replay(rules.surge!, events));
  });
});
