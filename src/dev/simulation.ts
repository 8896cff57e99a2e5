import { errFields, fallbackLogger } from '../log/logger.js';
import type { CompiledRule } from '../engine/types.js';
import { enrich } from '../events/enrich.js';
import type { EventSink } from '../bus/types.js';
import type { Simulator, SurgeSpec } from '../sim/index.js';
import type { DetectorRunner } from '../detector/runner.js';

/**
 * Drives a simulator in (accelerated) real time: every `intervalMs` of wall time it takes
 * the events up to the current event time, publishes them, waits until they have been
 * consumed, then moves the runner's watermark — in that order, so the idle tick never
 * overtakes events that are still on their way.
 */
export interface LiveOptions {
  readonly sim: Simulator;
  readonly sink: EventSink;
  readonly runner: DetectorRunner;
  /** Resolves once everything published so far has reached the runner (bus drain). */
  readonly consumed: () => Promise<void>;
  /** Event time now, ms (wall clock × speed from the start). */
  readonly eventClock: () => number;
  /** Wall clock for the receive time of events. */
  readonly wallClock?: () => number;
  /** Event time per wall time (bounds how much event time one step may take on). */
  readonly speed: number;
  readonly intervalMs?: number;
  readonly onError?: (err: unknown) => void;
}

export interface LiveSimulation {
  readonly published: () => number;
  /** Event time the simulation has reached (behind the clock when the machine cannot keep up). */
  readonly eventTime: () => number;
  stop(): Promise<void>;
}

export function startLiveSimulation(o: LiveOptions): LiveSimulation {
  const wall = o.wallClock ?? Date.now;
  let published = 0;
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const interval = o.intervalMs ?? 250;
  // When the machine cannot keep up, take at most a few steps' worth of event time at once,
  // so event time falls behind instead of each step's batch (and memory) growing without bound.
  let until = o.sim.cursor;
  const step = async () => {
    const wanted = o.eventClock();
    const maxStep = Math.max(4 * interval * o.speed, 10_000);
    until = Math.max(until, Math.min(wanted, until + maxStep));
    const events = o.sim.eventsUntil(until);
    if (events.length > 0) {
      const now = wall();
      await o.sink.send(events.map((e) => enrich(e, { now })));
      published += events.length;
      await o.consumed();
    }
    o.runner.tick(until);
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = step().catch(o.onError ?? ((err) => fallbackLogger().error({ component: 'simulation', ...errFields(err) }, 'simulator step failed'))).finally(() => {
      busy = false;
    });
  }, interval);
  return {
    published: () => published,
    eventTime: () => until,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** Event time that runs `speed` times faster than the wall clock from `start`. */
export function acceleratedClock(start: number, speed: number, wall: () => number = Date.now): () => number {
  const wallStart = wall();
  return () => start + (wall() - wallStart) * speed;
}

export interface DemoSurgeOptions {
  /** Used to find products the surge rules look at. */
  readonly probe: Pick<Simulator, 'product' | 'productCount'>;
  readonly rules: readonly CompiledRule[];
  readonly start: number;
  /** Event time of the first surge after start (lets baselines warm up). */
  readonly firstAfterMs?: number;
  readonly everyMs?: number;
  readonly durationMs?: number;
  readonly multiplier?: number;
  /** How far ahead to plan, event time. */
  readonly horizonMs?: number;
}

/**
 * Surges for the demo: one every `everyMs` of event time on popular products that a surge
 * rule matches (by its category filter, when it has one), so something fires soon after
 * start however the example rules are written.
 */
export function demoSurges(o: DemoSurgeOptions): SurgeSpec[] {
  const surgeRules = o.rules.filter((r) => r.detector.type === 'surge');
  // Prefer products every surge rule looks at (a sneaker satisfies both "sneakers" and "any product").
  const matches = (rank: number) => {
    const category = o.probe.product(rank).category;
    return surgeRules.every((r) => {
      const cats = r.match?.get('category');
      return !cats || cats.has(category);
    });
  };
  const candidates: number[] = [];
  for (let rank = 1; rank < Math.min(o.probe.productCount, 400) && candidates.length < 12; rank++) {
    if (matches(rank)) candidates.push(rank);
  }
  if (candidates.length === 0) candidates.push(1, 2, 3);
  const first = o.firstAfterMs ?? 15 * 60_000;
  const every = o.everyMs ?? 20 * 60_000;
  const durationMs = o.durationMs ?? 8 * 60_000;
  const horizon = o.horizonMs ?? 48 * 3_600_000;
  const out: SurgeSpec[] = [];
  for (let t = first, i = 0; t + durationMs < horizon; t += every, i++) {
    out.push({ rank: candidates[i % candidates.length]!, shape: i % 2 === 0 ? 'step' : 'ramp', multiplier: o.multiplier ?? 8, start: o.start + t, durationMs });
  }
  return out;
}
