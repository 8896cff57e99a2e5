import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { createRuleEngine } from './index.js';
import { ev, MIN, steady, T0, testRule } from './testkit.js';
import type { Transition } from './types.js';

const HOUR = 60 * MIN;

function run(rule: ReturnType<typeof testRule>, events: HerdEvent[], until: number): Transition[] {
  const engine = createRuleEngine(rule);
  return [...engine.ingest([...events].sort((a, b) => a.ts - b.ts)), ...engine.advanceTo(until)];
}

/** Evenly spaced events whose rate (per minute) follows `rate(t)`: the next event comes after 1/rate. */
function curve(key: string, from: number, to: number, rate: (t: number) => number): HerdEvent[] {
  const out: HerdEvent[] = [];
  for (let t = from; t < to; t += 60_000 / rate(t)) out.push(ev(Math.floor(t), key));
  return out;
}

/** The shipped defaults (window 5m, bucket 10s), as the quality benchmark runs them. */
const defaultRule = (relativeTo: 'none' | 'site' = 'none') => testRule({ type: 'surge', relativeTo });
const firings = (ts: Transition[]) => ts.filter((t) => t.state === 'firing');

describe('surge: recent onset and the site factor', () => {
  it('a 3× step on a product doing 10 events a bucket fires within 60 s of the step', () => {
    const step = T0 + 3 * HOUR;
    const events = [...steady('p', T0, T0 + 4 * HOUR, 60), ...steady('p', step, step + 20 * MIN, 120)];
    const [f, ...rest] = firings(run(defaultRule(), events, T0 + 5 * HOUR));
    expect(rest).toEqual([]);
    expect(f!.onset).toBeGreaterThanOrEqual(step);
    expect(f!.at - step).toBeLessThanOrEqual(60_000); // the whole-window lift alone would need 150 s
    expect(f!.lift).toBeGreaterThanOrEqual(2);
    expect(f!.reason).toMatch(/^p: \d+ weighted events since 03:00 UTC \(for \d+s\) vs [\d.]+ expected, ×[\d.]+, from 16\+ people/);
  });

  it('a one-bucket blip by one client (a bot, a refresh storm) does not fire, however busy the product', () => {
    const events = [...steady('p', T0, T0 + 4 * HOUR, 60), ...steady('p', T0 + 3 * HOUR, T0 + 3 * HOUR + 10_000, 6 * 60, { userId: 'bot-1' })];
    expect(run(defaultRule(), events, T0 + 5 * HOUR)).toEqual([]);
  });

  it('a one-bucket spike of many people at 7× fires, reporting that bucket as the run', () => {
    const events = [...steady('p', T0, T0 + 4 * HOUR, 60), ...steady('p', T0 + 3 * HOUR, T0 + 3 * HOUR + 10_000, 6 * 60)];
    const ts = firings(run(defaultRule(), events, T0 + 5 * HOUR));
    expect(ts).toHaveLength(1);
    expect(ts[0]!.reason).toMatch(/since 03:00 UTC \(for 10s\)/);
  });

  it('a slow daily-rise-like ramp of every product does not page in site mode', () => {
    // Every product ×3 over 3 hours: the 6 h baselines lag far behind, the site lags as much.
    const keys = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const rate = (base: number) => (t: number) => base * (t < T0 + 7 * HOUR ? 1 : Math.min(3, 1 + (2 * (t - T0 - 7 * HOUR)) / (3 * HOUR)));
    const events = keys.flatMap((k, i) => curve(k, T0, T0 + 12 * HOUR, rate(6 + i)));
    // minLift 1.5: the rise is ×3 over 3 hours, and a run keeps its lift below 2 against a baseline that follows it slowly.
    const early = (relativeTo: 'none' | 'site') => testRule({ type: 'surge', relativeTo, minLift: 1.5 });
    expect(firings(run(early('none'), events, T0 + 12 * HOUR)).length).toBeGreaterThanOrEqual(3);
    expect(run(early('site'), events, T0 + 12 * HOUR)).toEqual([]);
  });

  it('site mode: a 3× surge while the whole site is quiet still fires', () => {
    // All traffic drops to 0.6 for two hours; the products' baselines still expect the old level.
    const keys = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const quiet = (t: number) => (t >= T0 + 6 * HOUR && t < T0 + 8 * HOUR ? 0.6 : 1);
    const events = keys.flatMap((k) => curve(k, T0, T0 + 9 * HOUR, (t) => 20 * quiet(t)));
    events.push(...curve('p0', T0 + 7 * HOUR, T0 + 7 * HOUR + 20 * MIN, () => 2 * 20 * 0.6)); // p0 at 3× the quiet level
    const ts = firings(run(defaultRule('site'), events, T0 + 9 * HOUR));
    expect(ts.map((t) => t.key)).toEqual(['p0']);
    expect(ts[0]!.reason).toMatch(/site-wide traffic is ×0\.\d+ its usual/);
  });
});

describe('surge: recent onset in site mode', () => {
  it('the onset of a site-wide ×3 step does not page busy products one by one', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const step = T0 + 4 * HOUR;
    const events = keys.flatMap((k, i) => [...steady(k, T0, T0 + 5 * HOUR, 30 + 5 * i), ...steady(k, step, step + HOUR, 2 * (30 + 5 * i))]);
    expect(firings(run(defaultRule('none'), events, T0 + 5 * HOUR)).length).toBe(20);
    expect(run(defaultRule('site'), events, T0 + 5 * HOUR)).toEqual([]);
    const hot = steady('p3', step + 20 * MIN, step + 40 * MIN, 8 * 45); // ×8 on top of the site's ×3
    const ts = firings(run(defaultRule('site'), [...events, ...hot], T0 + 5 * HOUR));
    expect(ts.map((t) => t.key)).toEqual(['p3']);
    expect(ts[0]!.at - (step + 20 * MIN)).toBeLessThanOrEqual(60_000);
  });
});
