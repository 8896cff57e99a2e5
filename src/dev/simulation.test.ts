import { describe, expect, it } from 'vitest';
import type { CompiledRule } from '../engine/types.js';
import type { HerdEvent } from '../events/schema.js';
import { createSimulator } from '../sim/index.js';
import { demoSurges, startLiveSimulation } from './simulation.js';
import type { DetectorRunner } from '../detector/runner.js';

describe('startLiveSimulation', () => {
  it('publishes, waits for consumption, then ticks to the step\'s event time — never ahead of the events', async () => {
    const start = Date.UTC(2026, 0, 1);
    const sim = createSimulator({ seed: 1, eventsPerSecond: 20, start, seasonality: false });
    const log: string[] = [];
    let delivered: HerdEvent[] = [];
    let clock = start;
    const runner = { tick: (t: number) => void log.push(`tick ${t - start} after ${delivered.length}`) } as unknown as DetectorRunner;
    const live = startLiveSimulation({
      sim, runner, speed: 6_000, intervalMs: 10, eventClock: () => (clock += 60_000),
      sink: { send: async (events) => void (delivered = [...delivered, ...events]) },
      consumed: async () => void log.push(`consumed ${delivered.length}`),
    });
    for (let i = 0; i < 100 && log.length < 6; i++) await new Promise((r) => setTimeout(r, 10));
    await live.stop();
    expect(log[0]).toMatch(/^consumed \d+$/);
    expect(log[1]).toMatch(/^tick 60000 after \d+$/);
    expect(delivered.every((e) => e.ts < start + 60_000 * (log.filter((l) => l.startsWith('tick')).length))).toBe(true);
    expect(live.published()).toBe(delivered.length);
  });

  it('when the clock runs far ahead, takes bounded steps of event time', async () => {
    const start = Date.UTC(2026, 0, 1);
    const sim = createSimulator({ seed: 1, eventsPerSecond: 5, start, seasonality: false });
    const ticks: number[] = [];
    const live = startLiveSimulation({
      sim, speed: 1, intervalMs: 10, eventClock: () => start + 86_400_000,
      runner: { tick: (t: number) => void ticks.push(t - start) } as unknown as DetectorRunner,
      sink: { send: async () => undefined }, consumed: async () => undefined,
    });
    for (let i = 0; i < 100 && ticks.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    await live.stop();
    expect(ticks.slice(0, 3)).toEqual([10_000, 20_000, 30_000]);
  });
});

describe('demoSurges', () => {
  it('targets popular products every surge rule watches, periodically, after a warm-up', () => {
    const start = Date.UTC(2026, 0, 1);
    const probe = createSimulator({ seed: 1, start });
    const sneakers = { detector: { type: 'surge' }, match: new Map([['category', new Set(['sneakers'])]]) } as unknown as CompiledRule;
    const anything = { detector: { type: 'surge' }, match: null } as unknown as CompiledRule;
    const surges = demoSurges({ probe, rules: [sneakers, anything], start, everyMs: 20 * 60_000, horizonMs: 3 * 3_600_000 });
    expect(surges[0]!.start).toBe(start + 15 * 60_000);
    expect(surges[1]!.start - surges[0]!.start).toBe(20 * 60_000);
    expect(surges.every((s) => probe.product(s.rank).category === 'sneakers' && s.rank < 400)).toBe(true);
  });
});
