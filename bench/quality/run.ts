import { createRuleEngine } from '../../src/engine/index.js';
import { weigher } from '../../src/engine/fields.js';
import { cusumThreshold, oracleBuckets } from './oracle.js';
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
  /**
   * Per surge id (every shape): the oracle CUSUM's delay (ms) at the rule's false-alarm rate; absent when it never
   * alarms between the surge's start and end. Its recall on the target set is the ceiling for any detector.
   */
  readonly oracleDelayMs: Record<string, number>;
  /** Products that reached minEvents weighted events in some window-long tumbling interval, of those seen. */
  readonly couldPage: { readonly reached: number; readonly seen: number };
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
  // Weighted counts per bucket of surged products from their start to their end, for the oracle CUSUM.
  const weigh = weigher(rule);
  const bucketMs = rule.detector.bucketMs;
  const steps = new Map<string, { start: number; counts: Float64Array }>();
  for (const s of sim.truth) steps.set(s.productId, { start: s.start, counts: new Float64Array(Math.ceil((s.end - s.start) / bucketMs)) });
  // Which products can reach minEvents in a window (tumbling windows: a slight undercount).
  const windowMs = rule.detector.windowMs;
  const tumble = new Map<string, { win: number; count: number; reached: boolean }>();
  for (let t = sc.start! + FEED_STEP_MS; t <= sc.end; t += FEED_STEP_MS) {
    const batch = sim.eventsUntil(t);
    events += batch.length;
    for (const e of batch) {
      const w = weigh(e);
      if (!(w > 0)) continue;
      const key = e.productId!;
      const win = Math.floor(e.ts / windowMs);
      let k = tumble.get(key);
      if (k === undefined) tumble.set(key, (k = { win, count: 0, reached: false }));
      if (k.win !== win) { k.win = win; k.count = 0; }
      k.count += w;
      if (k.count >= rule.detector.minEvents) k.reached = true;
      const st = steps.get(key);
      if (st !== undefined && e.ts >= st.start) {
        const i = Math.floor((e.ts - st.start) / bucketMs);
        if (i < st.counts.length) st.counts[i]! += w;
      }
    }
    collect(engine.ingest(batch));
  }
  collect(engine.advanceTo(sc.end + rule.detector.windowMs + rule.detector.allowedLatenessMs));

  const gaps = (sc.decoys ?? []).filter((d) => d.multiplier === 0);
  const truth: TruthSurge[] = sim.truth.map((s) => {
    const baselinePerMinute = sim.baselineWeightedPerMinute(s.rank, rule.weights, s.start);
    return {
      inGap: gaps.some((g) => s.start < g.start + g.durationMs && s.end > g.start),
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
    products: sim.productCount,
  });
  // The oracle is held to the rule's own false-alarm rate in this seed.
  const days = (sc.end - sc.evaluateFrom) / 86_400_000;
  const h = cusumThreshold(match.falseAlerts.length / (sim.productCount * days), bucketMs);
  const phi = weightDispersion(sim, rule) * (1 + 2 * (sc.clusterMean ?? 0));
  const oracleDelayMs: Record<string, number> = {};
  for (const s of sim.truth) {
    const st = steps.get(s.productId)!;
    // The simulator's own expected counts per bucket, without and with the surge (day curve and site decoys included).
    const perBucket = bucketMs / 60_000;
    const dayMean = sim.baselineWeightedPerMinute(s.rank, rule.weights);
    const mid = (i: number) => st.start + (i + 0.5) * bucketMs;
    const before = Float64Array.from(st.counts, (_, i) => dayMean * sim.siteFactor(mid(i)) * perBucket);
    const after = Float64Array.from(st.counts, (_, i) => sim.expectedWeightedPerMinute(s.rank, rule.weights, mid(i)) * perBucket);
    const n = oracleBuckets(st.counts, before, after, phi, h);
    if (n !== undefined) oracleDelayMs[s.id] = n * bucketMs;
  }
  return {
    seed,
    events,
    seconds: (performance.now() - t0) / 1000,
    productDays: (sim.productCount * (sc.end - sc.evaluateFrom)) / 86_400_000,
    alerts: fired.length,
    match,
    falseRanks: Object.fromEntries(match.falseAlerts.map((a) => [a.key, sim.rankOf(a.key) ?? -1])),
    oracleDelayMs,
    couldPage: { reached: [...tumble.values()].filter((k) => k.reached).length, seen: tumble.size },
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

/** Variance/mean of one organic event's weight: what weighting alone adds to Poisson dispersion. */
function weightDispersion(sim: { meanWeight(w: Readonly<Record<string, number>>, d?: number): number }, rule: CompiledRule): number {
  const m1 = sim.meanWeight(rule.weights, rule.defaultWeight);
  const sq = Object.fromEntries(['view', 'add_to_cart', 'purchase'].map((t) => [t, (rule.weights[t] ?? rule.defaultWeight) ** 2]));
  return sim.meanWeight(sq, rule.defaultWeight ** 2) / m1;
}
