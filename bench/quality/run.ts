import { createRuleEngine } from '../../src/engine/index.js';
import type { CompiledRule, RuleEngine, Transition } from '../../src/engine/types.js';
import { createSimulator, type SimOptions } from '../../src/sim/index.js';
import { matchAlerts, type FiredAlert, type MatchResult, type TruthSurge } from './metrics.js';
import { SCENARIO, scenarioFor } from './scenario.js';

export interface SeedResult {
  readonly seed: number;
  readonly events: number;
  readonly seconds: number;
  /** Product-days over which false alerts are counted (after warm-up). */
  readonly productDays: number;
  readonly alerts: number;
  readonly match: MatchResult;
  /** Popularity rank of each falsely alerted product, for diagnosis. */
  readonly falseRanks: Record<string, number>;
}

const FEED_STEP_MS = 60_000;

export interface RunOptions {
  /** The world to simulate; the benchmark's scenario for the seed by default. */
  readonly scenario?: SimOptions & { readonly end: number; readonly evaluateFrom: number };
  readonly createEngine?: (rule: CompiledRule) => RuleEngine;
}

/** Simulates one seed's day, feeds it through the engine minute by minute, scores the firings. */
export function runSeed(seed: number, rule: CompiledRule, o: RunOptions = {}): SeedResult {
  const t0 = performance.now();
  const sc = o.scenario ?? scenarioFor(seed);
  const sim = createSimulator(sc);
  const engine = (o.createEngine ?? createRuleEngine)(rule);
  const fired: FiredAlert[] = [];
  const collect = (ts: readonly Transition[]) => {
    for (const t of ts) if (t.state === 'firing') fired.push({ id: t.id, key: t.key, at: t.at, detail: { value: t.value, baseline: t.baseline, lift: t.lift, score: t.score } });
  };
  let events = 0;
  for (let t = sc.start! + FEED_STEP_MS; t <= sc.end; t += FEED_STEP_MS) {
    const batch = sim.eventsUntil(t);
    events += batch.length;
    collect(engine.ingest(batch));
  }
  collect(engine.advanceTo(sc.end + rule.detector.windowMs + rule.detector.allowedLatenessMs));

  const truth: TruthSurge[] = sim.truth.map((s) => {
    const baselinePerMinute = sim.baselineWeightedPerMinute(s.rank, rule.weights, s.start);
    return {
      id: s.id,
      productId: s.productId,
      shape: s.shape,
      multiplier: s.multiplier,
      decile: s.decile,
      start: s.start,
      end: s.end,
      baselinePerMinute,
      eligible: s.multiplier >= SCENARIO.eligibleMultiplier && baselinePerMinute >= SCENARIO.eligibleWeightedPerMinute,
    };
  });
  const match = matchAlerts(fired, truth, sim.decoyWindows(sc.end), {
    graceMs: rule.detector.windowMs, evaluateFrom: sc.evaluateFrom, evaluateUntil: sc.end, exposure: trafficExposure(sim, sc.start!, sc.end),
  });
  return {
    seed,
    events,
    seconds: (performance.now() - t0) / 1000,
    productDays: (sim.productCount * (sc.end - sc.evaluateFrom)) / 86_400_000,
    alerts: fired.length,
    match,
    falseRanks: Object.fromEntries(match.falseAlerts.map((a) => [a.key, sim.rankOf(a.key) ?? -1])),
  };
}

/** Site traffic (day curve × decoys) integrated over [from, to), minute by minute. */
function trafficExposure(sim: { siteFactor(ts: number): number }, start: number, end: number): (from: number, to: number) => number {
  const STEP = 60_000;
  const cum = [0];
  for (let t = start; t < end; t += STEP) cum.push(cum[cum.length - 1]! + sim.siteFactor(t + STEP / 2) * STEP);
  const at = (t: number) => {
    const x = Math.min(Math.max(0, (t - start) / STEP), cum.length - 1);
    const i = Math.floor(x);
    const lo = cum[i]!;
    return i + 1 < cum.length ? lo + (cum[i + 1]! - lo) * (x - i) : lo;
  };
  return (from, to) => at(to) - at(from);
}
