import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { createRng } from '../sim/prng.js';
import { createRuleEngine } from './index.js';
import { MIN, T0, testRule } from './testkit.js';
import type { Transition } from './types.js';

const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const DAYS = 6;

/**
 * One busy product whose traffic follows the day: 10 views a minute at night, rising between
 * 07:00 and 09:00 UTC to 40 (4×) until 20:00, back to 10 by 22:00; Poisson, each view by its
 * own shopper. `surge` multiplies the usual rate by `mult` for 40 minutes from `at`.
 */
function dailyRhythm(seed: number, surge?: { at: number; mult: number }): HerdEvent[] {
  const rng = createRng(seed);
  const out: HerdEvent[] = [];
  let t = T0;
  let n = 0;
  const rate = (ts: number): number => {
    const h = ((ts - T0) % DAY) / HOUR;
    const base = h < 7 ? 10 : h < 9 ? 10 + 15 * (h - 7) : h < 20 ? 40 : h < 22 ? 40 - 15 * (h - 20) : 10;
    return surge !== undefined && ts >= surge.at && ts < surge.at + 40 * MIN ? base * surge.mult : base;
  };
  const peak = 40 * (surge?.mult ?? 1);
  // Thinning: candidate arrivals at the peak rate, kept with probability rate / peak.
  while (t < T0 + DAYS * DAY) {
    t += (-Math.log(1 - rng.next()) / peak) * MIN;
    if (rng.next() * peak < rate(t)) out.push({ id: `e${++n}`, type: 'view', ts: Math.floor(t), productId: 'p', userId: `u${n}` });
  }
  return out;
}

/**
 * A rule set to page early (sensitivity 4, minLift 1.5). At the defaults the dispersion estimate,
 * which takes the daily swing for noise, already keeps this series quiet, at the cost of missing
 * smaller surges; seasonality is what lets a rule be sensitive on a rhythmic series.
 */
function run(seasonality: 'none' | 'daily', events: HerdEvent[]): Transition[] {
  const engine = createRuleEngine(testRule({ type: 'surge', window: '5m', bucket: '10s', relativeTo: 'none', sensitivity: 4, minLift: 1.5, seasonality }));
  return [...engine.ingest(events), ...engine.advanceTo(T0 + (DAYS + 1) * DAY)].filter((t) => t.state === 'firing');
}

/** Firings after the profile has had three days to learn, by day. */
const laterDays = (fired: Transition[]): number[] => fired.filter((t) => t.at >= T0 + 3 * DAY).map((t) => Math.floor((t.at - T0) / DAY));

describe('seasonality: the baseline knows the hour of day', () => {
  const events = dailyRhythm(1);

  it('without it, a 4× night-to-day rhythm pages on the morning rise; with daily it does not', () => {
    const flat = laterDays(run('none', events));
    // The 6 h half-life baseline still remembers the night when the morning rises.
    expect(new Set(flat).size).toBeGreaterThanOrEqual(3);
    expect(laterDays(run('daily', events))).toEqual([]);
  });

  it('with daily, a real 3× surge of the same product still pages, at its start', () => {
    const at = T0 + 4 * DAY + 12 * HOUR;
    const fired = run('daily', dailyRhythm(1, { at, mult: 3 })).filter((t) => t.at >= T0 + 3 * DAY);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.at).toBeGreaterThanOrEqual(at);
    expect(fired[0]!.at).toBeLessThan(at + 15 * MIN);
    expect(fired[0]!.reason).toMatch(/the time of day, already allowed for/);
  });
});
