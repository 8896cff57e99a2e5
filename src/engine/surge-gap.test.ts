import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { createRng } from '../sim/prng.js';
import { createRuleEngine } from './index.js';
import { ev, MIN, T0, testRule } from './testkit.js';
import type { Transition } from './types.js';

const HOUR = 60 * MIN;

/**
 * Shoppers arriving at `perMinute(t)` on `key` (Poisson, thinned from `peak`); each views the
 * product and comes back now and then within the minute (overdispersed counts, as in real
 * clickstreams), and one event in 30 is a purchase.
 */
function shoppers(key: string, from: number, to: number, perMinute: (t: number) => number, seed: number, peak: number): HerdEvent[] {
  const rng = createRng(seed);
  const out: HerdEvent[] = [];
  let n = 0;
  for (let t = from; ;) {
    t += (-Math.log(1 - rng.next()) / peak) * MIN;
    if (t >= to) break;
    if (rng.next() * peak >= perMinute(t)) continue;
    const user = `${key}-u${seed}-${++n}`;
    let at = t;
    do {
      out.push(ev(Math.floor(at), key, { userId: user, type: rng.next() < 1 / 30 ? 'purchase' : 'view' }));
      at += rng.next() * 20_000;
    } while (rng.next() < 1 / 3 && at < to);
  }
  return out;
}

const rule = (relativeTo: 'none' | 'site') =>
  testRule({ type: 'surge', relativeTo }, { weights: { view: 1, add_to_cart: 3, purchase: 5 } });

const GAP_START = T0 + 6 * HOUR;
const GAP_END = GAP_START + 90 * MIN;
const STEP = GAP_END + 45 * MIN; // well after the gap: its window is long past, its zeros are not
const END = STEP + HOUR;

/**
 * A site of 30 products and one busy one (about 50 shoppers, ~80 weighted events, a minute), which
 * goes to 5× at STEP. With `gap`, the whole site records nothing for 90 minutes (a tracking outage).
 */
function traffic(gap: boolean, seed: number): HerdEvent[] {
  const busy = (t: number) => (t >= STEP ? 250 : 50);
  const events = [
    ...shoppers('busy', T0, END, busy, seed, 250),
    ...Array.from({ length: 30 }, (_, i) => shoppers(`p${i}`, T0, END, () => 2 + i, seed * 100 + i, 2 + i)).flat(),
  ];
  return gap ? events.filter((e) => e.ts < GAP_START || e.ts >= GAP_END) : events;
}

function firings(relativeTo: 'none' | 'site', gap: boolean, seed: number): Transition[] {
  const engine = createRuleEngine(rule(relativeTo));
  const events = traffic(gap, seed).sort((a, b) => a.ts - b.ts);
  return [...engine.ingest(events), ...engine.advanceTo(END)].filter((t) => t.state === 'firing');
}

/** Seconds of event time from the step to the busy product's page (undefined: never paged). */
function delay(fired: Transition[]): number | undefined {
  const f = fired.find((t) => t.key === 'busy' && t.at > STEP);
  return f === undefined ? undefined : (f.at - STEP) / 1000;
}

describe('surge: a site-wide tracking gap does not deafen busy products afterwards', () => {
  it.each([
    ['site', 1], ['site', 2], ['none', 3],
  ] as const)('relativeTo %s (seed %i): a 5× step 45 minutes after a 90-minute outage pages about as soon as without the outage', (relativeTo, seed) => {
    const control = delay(firings(relativeTo, false, seed));
    const fired = firings(relativeTo, true, seed);
    const afterGap = delay(fired);
    expect(control).toBeDefined();
    expect(afterGap).toBeDefined();
    // Without the fix the busy product's dispersion sat at its clamp (50) and it took minutes.
    expect(afterGap!).toBeLessThanOrEqual(Math.max(2 * control!, control! + 30));
    // Nothing else pages on the recovery: the outage's end is not a surge.
    expect(fired.filter((t) => t.at > GAP_END && t.at < STEP)).toEqual([]);
  });
});
