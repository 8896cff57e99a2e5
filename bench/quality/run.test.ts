import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../../src/events/schema.js';
import type { CompiledRule, RuleEngine, Transition } from '../../src/engine/types.js';
import { runSeed } from './run.js';
import { defaultSurgeRule } from './scenario.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * A deliberately naive stand-in detector (not the product's engine): per key, weighted
 * count per 5-minute tumbling window against the mean of the key's earlier windows.
 * It exists to check that the benchmark scores what it should, including paging on decoys.
 */
function naiveEngine(rule: CompiledRule): RuleEngine {
  const W = 5 * MIN;
  const keys = new Map<string, { win: number; count: number; sum: number; n: number; firing: boolean }>();
  const close = (key: string, k: { win: number; count: number; sum: number; n: number; firing: boolean }, out: Transition[]) => {
    const mean = k.n > 0 ? k.sum / k.n : Infinity;
    const at = (k.win + 1) * W;
    const t = (state: 'firing' | 'resolved'): Transition => ({
      id: `${rule.uid}:${key}:${k.win * W}`, state, ruleUid: rule.uid, rule: 'bench/naive', detector: 'surge', severity: 'warning',
      key, onset: k.win * W, at, value: k.count, baseline: mean, lift: k.count / mean, score: 0, reason: 'naive',
    });
    if (!k.firing && k.n >= 3 && k.count >= 10 && k.count >= 4 * mean) { k.firing = true; out.push(t('firing')); }
    else if (k.firing && k.count < 2 * mean) { k.firing = false; out.push(t('resolved')); }
    if (!k.firing) { k.sum += k.count; k.n++; }
    k.count = 0;
  };
  const ingest = (events: Iterable<HerdEvent>): Transition[] => {
    const out: Transition[] = [];
    for (const e of events) {
      const key = e.productId!;
      const win = Math.floor(e.ts / W);
      let k = keys.get(key);
      if (!k) keys.set(key, (k = { win, count: 0, sum: 0, n: 0, firing: false }));
      while (k.win < win) { close(key, k, out); k.win++; }
      k.count += rule.weights[e.type] ?? 1;
    }
    return out;
  };
  return {
    rule, ingest, advanceTo: () => [],
    trending: () => ({ ruleUid: rule.uid, rule: 'bench/naive', at: 0, entries: [] }),
    stats: () => ({ keys: keys.size, events: 0, lateEvents: 0, filteredEvents: 0, evictedKeys: 0, watermark: 0, stateBytes: 0 }),
  };
}

describe('quality benchmark run (with a naive stand-in detector)', () => {
  const scenario = {
    seed: 1, products: 200, eventsPerSecond: 40, seasonality: false as const, start: 0,
    surges: [0, 1, 2].map((rank) => ({ rank, shape: 'step' as const, multiplier: 10, start: 2 * HOUR + rank * 7 * MIN, durationMs: 30 * MIN })),
    decoys: [{ kind: 'site_wide' as const, start: 5 * HOUR, durationMs: 30 * MIN, multiplier: 6 }],
    end: 6 * HOUR, evaluateFrom: HOUR,
  };
  const r = runSeed(1, defaultSurgeRule('site'), { scenario, createEngine: naiveEngine });

  it('finds the injected surges and measures their delay from the surge start', () => {
    expect(r.match.outcomes.map((o) => o.detected)).toEqual([true, true, true]);
    for (const o of r.match.outcomes) expect(o.delayMs!).toBeLessThanOrEqual(10 * MIN);
    expect(r.match.outcomes.every((o) => o.surge.eligible)).toBe(true);
  });

  it('catches a detector that pages on the site-wide decoy', () => {
    expect(r.match.decoyAlerts.length).toBeGreaterThan(20);
    expect(r.match.decoyAlerts.every((a) => a.decoy === 'site_wide')).toBe(true);
    expect(r.productDays).toBeCloseTo((200 * 5) / 24);
  });
});
