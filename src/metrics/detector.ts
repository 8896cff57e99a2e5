import { Counter, Gauge, type Registry } from 'prom-client';

/** Metrics of a detector (in-process runner or Kafka consumer), labelled by rule only. */
export interface DetectorMetrics {
  readonly events: Counter<'rule'>;
  readonly lateEvents: Counter<'rule'>;
  readonly transitions: Counter<'rule' | 'state' | 'severity'>;
  readonly duplicateTransitions: Counter<'rule'>;
  readonly keys: Gauge<'rule'>;
  readonly stateBytes: Gauge<'rule'>;
  readonly watermark: Gauge<'rule'>;
  /** The one per-key series: lift of a rule's top TRENDING_GAUGE_KEYS trending keys, replaced with each snapshot. */
  readonly trendingLift: Gauge<'rule' | 'key'>;
}

/** How many trending keys per rule get a series; keeps per-product cardinality capped. */
export const TRENDING_GAUGE_KEYS = 10;

export function createDetectorMetrics(registry: Registry): DetectorMetrics {
  const registers = [registry];
  return {
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
    stateBytes: new Gauge({ name: 'herdwatch_detector_state_bytes', help: 'Approximate bytes of per-key engine state', labelNames: ['rule'], registers }),
    watermark: new Gauge({ name: 'herdwatch_detector_watermark_seconds', help: 'Event-time watermark of a rule\'s engine, Unix seconds', labelNames: ['rule'], registers }),
    trendingLift: new Gauge({
      name: 'herdwatch_trending_lift', help: `Lift of each of a rule's top ${TRENDING_GAUGE_KEYS} trending keys (the only per-key metric; capped)`,
      labelNames: ['rule', 'key'], registers,
    }),
  };
}
