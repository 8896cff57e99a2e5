import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../../src/events/schema.js';
import { createRuleEngine } from '../../src/engine/index.js';
import type { CompiledRule, Transition } from '../../src/engine/types.js';
import { readRees46, REES46_SAMPLE } from './rees46.js';
import { defaultSurgeRule } from './scenario.js';

/**
 * Real traffic: the first 17,434 events of the public REES46 multi-category store export
 * (00:00–02:50 UTC, light until 00:20, a tracking gap until ~02:10, then ~560 events/min).
 */
const sample = readRees46(REES46_SAMPLE);
const GAP_END = Date.UTC(2019, 9, 1, 2, 10);

function alerts(rule: CompiledRule, events: readonly HerdEvent[]): Transition[] {
  const engine = createRuleEngine(rule);
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  return [...engine.ingest(sorted), ...engine.advanceTo(sorted.at(-1)!.ts + 3_600_000)].filter((t) => t.state === 'firing');
}

describe('the default surge rule on real traffic (REES46 sample)', () => {
  it('reads the whole sample', () => {
    expect(sample).toMatchObject({ skipped: 0, products: 6_493 });
    expect(sample.events).toHaveLength(17_434);
  });

  it('pages rarely: at most one alert over the 6,493 products, each by at least minActors people', () => {
    const fired = alerts(defaultSurgeRule('site'), sample.events);
    expect(fired.length).toBeLessThanOrEqual(1);
    for (const t of fired) expect(t.actors).toBeGreaterThanOrEqual(3);
  });

  it('why site is the default: judged alone, products page on the recovery from the tracking gap', () => {
    const fired = alerts(defaultSurgeRule('none'), sample.events);
    expect(fired.length).toBeGreaterThanOrEqual(3);
    for (const t of fired) expect(t.at).toBeGreaterThan(GAP_END);
  });

  it('one shopper (two views, four purchases) on a real product does not page; sixty shoppers do', () => {
    const at = Date.UTC(2019, 9, 1, 2, 40);
    const product = '1004767';
    const one: HerdEvent[] = [0, 1, 2, 3, 4, 5].map((i) => ({
      id: `one-${i}`, type: i < 2 ? 'view' : 'purchase', ts: at + i * 5_000, productId: product, userId: 'shopper-1', sessionId: 's-1',
    }));
    expect(alerts(defaultSurgeRule('site'), [...sample.events, ...one]).filter((t) => t.key === product)).toEqual([]);
    const herd: HerdEvent[] = Array.from({ length: 60 }, (_, i) => ({
      id: `herd-${i}`, type: i % 5 === 0 ? 'add_to_cart' : 'view', ts: at + i * 2_000, productId: product, userId: `h${i}`, sessionId: `hs${i}`,
    }));
    const fired = alerts(defaultSurgeRule('site'), [...sample.events, ...herd]).filter((t) => t.key === product);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.actors).toBeGreaterThanOrEqual(10);
  });
});
