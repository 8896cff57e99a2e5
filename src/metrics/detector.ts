import { Counter, Gauge, type Registry } from 'prom-client';

/** Metrics of a detector (in-process runner or Kafka consumer), labelled by rule only. */
export interface DetectorMetrics {
  readonly events: Counter<'rule'>;
  readonly lateEvents: Counter<'rule'>;
  readonly transitions: Counter<'rule' | 'state' | 'severity'>;
  readonly duplicateTransitions: Counter<'rule'>;
  readonly keys: Gauge<'rule'>;
  readonly keysAtMinEvents: Gauge<'rule'>;
  readonly stateBytes: Gauge<'rule'>;
  readonly watermark: Gauge<'rule'>;
  /**
   * The one per-key series: lift of a rule's top trending keys, replaced with each snapshot.
   * Off unless asked for (`trendingKeys`), and only for rules keyed by a product-like field.
   */
  readonly trendingLift: Gauge<'rule' | 'key'>;
  /** How many trending keys per rule get a series: 0 (default) to TRENDING_GAUGE_KEYS. */
  readonly trendingKeys: number;
}

/** The most trending keys per rule that may get a series; keeps per-product cardinality capped. */
export const TRENDING_GAUGE_KEYS = 10;

/**
 * Rule keys whose values may appear as metric labels: catalogue facts, not people. /metrics is
 * scraped without a token and kept for weeks, so a rule keyed by userId, sessionId, location,
 * paymentMethod or any other attribute never gets per-key series.
 */
const CATALOGUE_KEYS: ReadonlySet<string> = new Set(['productId', 'category', 'region', 'attrs.brand', 'attrs.category_id']);

export function keyMetricsAllowed(ruleKey: string): boolean {
  return CATALOGUE_KEYS.has(ruleKey);
}

export function createDetectorMetrics(registry: Registry, opts: { trendingKeys?: number } = {}): DetectorMetrics {
  const registers = [registry];
  return {
    trendingKeys: Math.max(0, Math.min(TRENDING_GAUGE_KEYS, Math.floor(opts.trendingKeys ?? 0))),
    events: new Counter({ name: 'herdwatch_detector_events_total', help: 'Events run through a rule\'s engine', labelNames: ['rule'], registers }),
    lateEvents: new Counter({
      name: 'herdwatch_detector_late_events_total', help: 'Events that arrived after their bucket closed (beyond allowed lateness)',
      labelNames: ['rule'], registers,
    }),
    transitions: new Counter({
      name: 'herdwatch_detector_transitions_total', help: 'Alert transitions emitted, by rule, state and severity',
      labelNames: ['rule', 'state', 'severity'], registers,
    }),
    duplicateTransitions: new Counter({
      name: 'herdwatch_detector_duplicate_transitions_total', help: 'Transitions suppressed because the same id and state was already emitted (replays)',
      labelNames: ['rule'], registers,
    }),
    keys: new Gauge({ name: 'herdwatch_detector_keys', help: 'Keys with state held by a rule\'s engine', labelNames: ['rule'], registers }),
    keysAtMinEvents: new Gauge({
      name: 'herdwatch_detector_keys_at_min_events', help: 'Coverage of a surge rule: keys held that have reached minEvents in a window at least once (the rest cannot page on their own traffic)',
      labelNames: ['rule'], registers,
    }),
    stateBytes: new Gauge({ name: 'herdwatch_detector_state_bytes', help: 'Approximate bytes of per-key engine state', labelNames: ['rule'], registers }),
    watermark: new Gauge({ name: 'herdwatch_detector_watermark_seconds', help: 'Event-time watermark of a rule\'s engine, Unix seconds', labelNames: ['rule'], registers }),
    trendingLift: new Gauge({
      name: 'herdwatch_trending_lift', help: `Lift of each of a product-keyed rule's top trending keys (opt-in, at most ${TRENDING_GAUGE_KEYS}; the only per-key metric)`,
      labelNames: ['rule', 'key'], registers,
    }),
  };
}
