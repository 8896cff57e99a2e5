import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { createRng } from '../sim/prng.js';
import { baselineParams } from './baseline.js';
import { createRuleEngine } from './index.js';
import { SiteTraffic } from './site.js';
import { MIN, shoppers, T0, testRule } from './testkit.js';
import type { Transition } from './types.js';

const HOUR = 60 * MIN;

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

describe('SiteTraffic: which silent buckets are a tracking gap', () => {
  const W = 30;
  const site = (counts: (b: number) => number, until: number): SiteTraffic => {
    const s = new SiteTraffic(64, W, baselineParams(10_000, 6 * HOUR, 10, 0.4));
    for (let b = 0; b <= until; b++) {
      const x = counts(b);
      if (x > 0) s.add(b, x);
      s.close(b);
    }
    s.foldThrough(until - W);
    return s;
  };

  it('a busy site silent for an hour: every silent bucket is dead, the others live', () => {
    const s = site((b) => (b >= 500 && b < 860 ? 0 : 20), 1200);
    expect(s.live(400, 499)).toBe(100);
    expect(s.live(500, 859)).toBe(0);
    expect(s.live(450, 900)).toBe(451 - 360);
    // Minute groups (G = 6) cut by the gap are dead too: groups 83 (498–503) … 143 (858–863).
    expect(s.liveGroups(80, 150, 6, 0)).toBe(71 - 61);
  });

  it('a site at one event a minute: a silent quarter of an hour is a quiet spell, a silent hour is a gap from its 20th minute', () => {
    const quiet = site((b) => (b % 6 === 0 && !(b >= 600 && b < 690) ? 1 : 0), 1200);
    expect(quiet.live(0, 1170)).toBe(1171);
    const gap = site((b) => (b % 6 === 0 && !(b >= 600 && b < 960) ? 1 : 0), 1500);
    // Silent from bucket 595 (the last event was at 594): 20 minutes are 120 buckets.
    expect(gap.live(0, 1470)).toBeGreaterThanOrEqual(1471 - (960 - 595 - 118));
    expect(gap.live(0, 1470)).toBeLessThanOrEqual(1471 - (960 - 595 - 122));
    expect(gap.live(595, 700)).toBe(106);
  });

  it('liveGroups counts the groups with no dead bucket, whatever the spans', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 200; trial++) {
      let b = 0;
      const dead = new Set<number>();
      const s = site((t) => {
        if (t < 100) return 50;
        if (rng.next() < 0.01) b = t + 1 + Math.floor(rng.next() * 20);
        if (t < b) { dead.add(t); return 0; }
        return 50;
      }, 600);
      const G = 1 + Math.floor(rng.next() * 7), base = Math.floor(rng.next() * 11);
      const g0 = Math.floor(100 / G) + Math.floor(rng.next() * 20), g1 = g0 + Math.floor(rng.next() * 60);
      let want = 0;
      for (let g = g0; g <= g1; g++) {
        let ok = true;
        for (let t = g * G - base; t < g * G - base + G; t++) if (dead.has(t)) ok = false;
        if (ok) want++;
      }
      expect(s.liveGroups(g0, g1, G, base)).toBe(want);
    }
  });
});
