import { formatDuration, parseDuration } from '../config/duration.js';
import type { CompiledDetector, CompiledRule } from '../engine/types.js';
import type { HerdRuleSpec } from './schema.js';

/**
 * Defaults for optional detector fields; documented in docs/rules.md. The surge values
 * (minEvents, minLift, sensitivity) were tuned with `make bench-quality-tune` on simulator
 * seeds 1–5 and are reported on seeds 6–10 in docs/benchmarks.md. Sensitivity is the score
 * of the key's run (src/engine/cusum.ts), which must also hold without the run's busiest
 * person. On seeds 1–5 (2026-11-26 simulator, surges m× in events), 5.5 gave recall 0.784 on
 * the target set (0.921 outside the tracking gap), 4.8 false alerts per 10,000 product-days,
 * median delay 1.72× the oracle CUSUM's; 5.25 gave 0.800 (0.940) / 5.3 / 1.60×; 5 gave about
 * 1.5 points more recall again but paged twice on 60 products of steady overdispersed traffic
 * in 8 h (src/engine/surge-run.test.ts, none at 5.1–5.5), whose dispersion the per-key
 * estimate undershoots (~1.75 for ~3.2) as it does on real clickstreams: so 5.25. Longer
 * dispersion groups (2 min) raised that estimate but cost 20% of the alerts on seeds 1–2 at
 * sensitivity 5. minLift 2 lets big products page within a minute or two of a step.
 */
export const DETECTOR_DEFAULTS = {
  baselineHalfLife: '6h',
  minEvents: 12,
  minActors: 3,
  minLift: 2,
  sensitivity: 5.25,
  escalateAt: 2,
  cooldown: '30m',
  relativeTo: 'site',
  seasonality: 'none',
  memory: '30d',
  minHistory: 1,
  topK: 20,
} as const;

const FIVE_MINUTES = 300_000;
/** Buckets in the default window when buckets are long: enough for the recent-onset test to look inside it. */
export const DEFAULT_WINDOW_BUCKETS = 12;

/** The default window for a bucket: 5m, or 12 buckets when that is longer, always a whole number of buckets. */
export function defaultWindowMs(bucketMs: number): number {
  return Math.max(Math.ceil(FIVE_MINUTES / bucketMs), DEFAULT_WINDOW_BUCKETS) * bucketMs;
}

/** The window as written, or the default for the bucket. */
export function windowOf(window: string | undefined, bucket: string): string {
  return window ?? formatDuration(defaultWindowMs(parseDuration(bucket, '/spec/detector/bucket')));
}

/** The surge detector's plain options, defaults applied. */
function surgeOptions(d: HerdRuleSpec['detector']) {
  return {
    minEvents: d.minEvents ?? DETECTOR_DEFAULTS.minEvents,
    minActors: d.minActors ?? DETECTOR_DEFAULTS.minActors,
    escalateAt: d.escalateAt ?? DETECTOR_DEFAULTS.escalateAt,
    minLift: d.minLift ?? DETECTOR_DEFAULTS.minLift,
    sensitivity: d.sensitivity ?? DETECTOR_DEFAULTS.sensitivity,
    relativeTo: d.relativeTo ?? DETECTOR_DEFAULTS.relativeTo,
    seasonality: d.seasonality ?? DETECTOR_DEFAULTS.seasonality,
    ...(d.priorBy === undefined ? {} : { priorBy: d.priorBy }),
  };
}

export interface RuleIdentity {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
}

/**
 * Turns a validated spec into the engine's form: defaults applied, durations in ms.
 * The spec must already have passed validation (see validate.ts).
 */
export function compileRule(id: RuleIdentity, spec: HerdRuleSpec): CompiledRule {
  const d = spec.detector;
  const field = (f: string) => `/spec/detector/${f}`;
  const bucketMs = parseDuration(d.bucket, field('bucket'));
  const windowMs = d.window === undefined ? defaultWindowMs(bucketMs) : parseDuration(d.window, field('window'));
  const detector: CompiledDetector = {
    type: d.type,
    windowMs,
    bucketMs,
    allowedLatenessMs: parseDuration(d.allowedLateness, field('allowedLateness')),
    cooldownMs: parseDuration(d.cooldown ?? DETECTOR_DEFAULTS.cooldown, field('cooldown')),
    topK: d.topK ?? DETECTOR_DEFAULTS.topK,
    baselineHalfLifeMs: d.baselineHalfLife === undefined
      ? Math.max(parseDuration(DETECTOR_DEFAULTS.baselineHalfLife, field('baselineHalfLife')), 6 * windowMs)
      : parseDuration(d.baselineHalfLife, field('baselineHalfLife')),
    ...surgeOptions(d),
    maxEvents: d.maxEvents ?? Number.POSITIVE_INFINITY,
    field: d.field ?? '',
    above: d.above ?? Number.POSITIVE_INFINITY,
    memoryMs: parseDuration(d.memory ?? DETECTOR_DEFAULTS.memory, field('memory')),
    minHistory: d.minHistory ?? DETECTOR_DEFAULTS.minHistory,
  };
  const match = spec.source.match
    ? new Map(Object.entries(spec.source.match).map(([k, vs]) => [k, new Set(vs)] as const))
    : null;
  return {
    uid: id.uid,
    namespace: id.namespace,
    name: id.name,
    key: spec.key,
    eventTypes: spec.source.eventTypes ? new Set(spec.source.eventTypes) : null,
    match,
    weights: { ...(spec.weights ?? {}) },
    weightBy: spec.weightBy ?? 'events',
    defaultWeight: 1,
    severity: spec.severity,
    detector,
  };
}
