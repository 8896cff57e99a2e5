import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { Engine } from './engine.js';
import { ev, MIN, T0, testRule } from './testkit.js';
import type { CompiledRule, Transition } from './types.js';

const HOUR = 60 * MIN;

/** The shipped defaults (5m window, 10s buckets, minEvents 12, minActors 3), with or without the category prior. */
const rule = (priorBy?: string): CompiledRule => testRule({ type: 'surge', ...(priorBy === undefined ? {} : { priorBy }) });

let user = 0;
/** `perMinute` views of `productId` in `category`, evenly spaced over [from, to), each from another shopper. */
function traffic(productId: string, category: string, from: number, to: number, perMinute: number): HerdEvent[] {
  const out: HerdEvent[] = [];
  const gap = 60_000 / perMinute;
  // A phase per product, so products of a category do not all tick in the same bucket.
  for (let t = from + (productId.length * 7919 + productId.charCodeAt(productId.length - 1) * 104_729) % gap; t < to; t += gap) {
    out.push(ev(Math.floor(t), productId, { category, userId: `u${user++ % 5000}` }));
  }
  return out;
}

/** `n` established products of a category, each at `perMinute`, for the first `hours`. */
function category(name: string, n: number, perMinute: number, hours: number): HerdEvent[] {
  const out: HerdEvent[] = [];
  for (let i = 0; i < n; i++) out.push(...traffic(`${name}-${i}`, name, T0, T0 + hours * HOUR, perMinute));
  return out;
}

function run(r: CompiledRule, events: HerdEvent[], until: number): { engine: Engine; out: Transition[] } {
  const engine = new Engine(r);
  const out = [...engine.ingest([...events].sort((a, b) => a.ts - b.ts)), ...engine.advanceTo(until)];
  return { engine, out };
}

const firingsOf = (out: Transition[], key: string) => out.filter((t) => t.state === 'firing' && t.key === key);

describe('priorBy: a new or sparse product starts from its category\'s typical rate', () => {
  it('a new product launching at its busy category\'s ordinary rate does not page; with the flat prior it does', () => {
    const launch = T0 + 2 * HOUR;
    const events = [...category('phones', 8, 20, 3), ...traffic('phone-new', 'phones', launch, launch + HOUR, 20)];
    const flat = firingsOf(run(rule(), events, T0 + 4 * HOUR).out, 'phone-new');
    expect(flat.length).toBe(1); // 100 views in 5 minutes against the flat prior's 12
    const { engine, out } = run(rule('category'), events, T0 + 4 * HOUR);
    expect(firingsOf(out, 'phone-new')).toEqual([]);
    expect(out).toEqual([]);
    // What a new phone is expected to do: about what the other phones do (20 a minute, 100 a window).
    expect(engine.priorOf('phones')).toBeGreaterThan(80);
    expect(engine.priorOf('phones')).toBeLessThan(120);
  });

  it('a new product in a quiet category pages sooner at 10× its category\'s rate than with the flat prior', () => {
    const launch = T0 + 2 * HOUR;
    const events = [...category('umbrellas', 8, 1, 3), ...traffic('umbrella-new', 'umbrellas', launch, launch + 30 * MIN, 10)];
    const [flat] = firingsOf(run(rule(), events, T0 + 4 * HOUR).out, 'umbrella-new');
    const { engine, out } = run(rule('category'), events, T0 + 4 * HOUR);
    const [prior, ...more] = firingsOf(out, 'umbrella-new');
    expect(more).toEqual([]);
    expect(flat).toBeDefined();
    expect(prior).toBeDefined();
    expect(prior!.at).toBeLessThan(flat!.at);
    // It is judged against the umbrellas' 5 a window, not the flat prior's 12, and the alert says so.
    expect(prior!.baseline).toBeLessThan(flat!.baseline);
    expect(prior!.reason).toMatch(/expected mostly from its category "umbrellas", whose keys typically count [\d.]+ in 5m, as its own history is short/);
    expect(flat!.reason).not.toMatch(/expected mostly from/);
    expect(engine.priorOf('umbrellas')).toBeGreaterThan(3.5);
    expect(engine.priorOf('umbrellas')).toBeLessThan(7);
  });

  it('a sparse product\'s expectation is pulled towards its category\'s rate, not towards minEvents', () => {
    // An old, sparse bag (an event every 20 minutes) among bags doing 3 a minute; then a herd of 60 shoppers in 2 minutes.
    const herd = T0 + 3 * HOUR;
    const events = [...category('bags', 8, 3, 4), ...traffic('bag-sparse', 'bags', T0, T0 + 4 * HOUR, 0.05), ...traffic('bag-sparse', 'bags', herd, herd + 2 * MIN, 30)];
    const [flat] = firingsOf(run(rule(), events, T0 + 5 * HOUR).out, 'bag-sparse');
    const [prior] = firingsOf(run(rule('category'), events, T0 + 5 * HOUR).out, 'bag-sparse');
    expect(flat).toBeDefined();
    expect(prior).toBeDefined();
    // The bags' typical rate (15 a window) raises what a bag is expected to do above the flat prior's pull.
    expect(prior!.baseline).toBeGreaterThan(flat!.baseline);
  });

  it('the prior is the typical rate per product, not per event: one bestseller does not make every new product look busy', () => {
    const events = [...category('toys', 1, 30, 3), ...category('toys-tail', 9, 0.2, 3).map((e) => ({ ...e, category: 'toys' }))];
    const { engine } = run(rule('category'), events, T0 + 3 * HOUR);
    // Per product: (30 + 9 × 0.2) / 10 = 3.2 a minute, 16 a window; per event it would be near the bestseller's 150.
    expect(engine.priorOf('toys')).toBeGreaterThan(8);
    expect(engine.priorOf('toys')).toBeLessThan(32);
  });

  it('products without the field, and categories with too few established products, keep the flat prior', () => {
    const launch = T0 + 2 * HOUR;
    const events = [...category('solo', 1, 20, 3), ...traffic('solo-new', 'solo', launch, launch + HOUR, 20),
      ...traffic('nocat-new', '', launch, launch + HOUR, 20)];
    const { engine, out } = run(rule('category'), events, T0 + 4 * HOUR);
    expect(engine.priorOf('solo')).toBeUndefined(); // one product is not a category's typical rate
    expect(firingsOf(out, 'solo-new').length).toBe(1);
    expect(firingsOf(out, 'nocat-new').length).toBe(1);
  });
});
