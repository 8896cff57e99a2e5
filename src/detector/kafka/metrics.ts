import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { EngineStats, Transition } from '../../engine/types.js';
import type { DetectorMetrics } from '../../metrics/detector.js';

/** What only the Kafka-backed detector has: partitions, replay, lag, malformed input. */
export interface KafkaDetectorMetrics {
  readonly malformed: Counter<'rule' | 'reason'>;
  readonly replayedEvents: Counter<'rule'>;
  readonly keyMismatch: Counter<'rule'>;
  readonly assignedPartitions: Gauge<'rule'>;
  readonly lag: Gauge<'rule'>;
  readonly rebalances: Counter<'rule'>;
  readonly batchDuration: Histogram<'rule'>;
  readonly publishFailures: Counter<'rule'>;
}

export function createKafkaDetectorMetrics(registry: Registry): KafkaDetectorMetrics {
  const registers = [registry];
  return {
    malformed: new Counter({
      name: 'herdwatch_detector_malformed_messages_total', help: 'Messages on the source topic that could not be decoded, by reason; skipped',
      labelNames: ['rule', 'reason'], registers,
    }),
    replayedEvents: new Counter({
      name: 'herdwatch_detector_replayed_events_total', help: 'Events replayed silently to rebuild window state after a partition was assigned',
      labelNames: ['rule'], registers,
    }),
    keyMismatch: new Counter({
      name: 'herdwatch_detector_key_mismatch_total',
      help: 'Events whose message key is not the rule key: their state is not partition-local, so results depend on partitioning',
      labelNames: ['rule'], registers,
    }),
    assignedPartitions: new Gauge({ name: 'herdwatch_detector_assigned_partitions', help: 'Source partitions this member owns', labelNames: ['rule'], registers }),
    lag: new Gauge({ name: 'herdwatch_detector_consumer_lag_messages', help: 'Messages not yet processed on the assigned partitions', labelNames: ['rule'], registers }),
    rebalances: new Counter({ name: 'herdwatch_detector_rebalances_total', help: 'Consumer group joins (assignments) of this member', labelNames: ['rule'], registers }),
    batchDuration: new Histogram({
      name: 'herdwatch_detector_batch_duration_seconds', help: 'Time to decode, evaluate, publish and commit one fetched batch',
      labelNames: ['rule'], registers, buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    publishFailures: new Counter({
      name: 'herdwatch_detector_publish_failures_total', help: 'Failed writes to the alerts/trends topics; the partition is rebuilt and reprocessed',
      labelNames: ['rule'], registers,
    }),
  };
}

/**
 * The engine metrics of a member from its engines' stats (the engines may live in a worker
 * thread, so they cannot update the registry themselves): counters by delta, gauges summed
 * over the partitions held, the watermark of the slowest partition.
 */
export function accountEngineStats(
  metrics: DetectorMetrics, rule: string, tracks: Iterable<{ stats: EngineStats | undefined }>,
  track: { stats: EngineStats | undefined }, stats: EngineStats, transitions: readonly Transition[],
): void {
  const prev = track.stats;
  track.stats = stats;
  metrics.events.inc({ rule }, Math.max(0, stats.events - (prev?.events ?? 0)));
  metrics.lateEvents.inc({ rule }, Math.max(0, stats.lateEvents - (prev?.lateEvents ?? 0)));
  for (const t of transitions) metrics.transitions.inc({ rule, state: t.state, severity: t.severity });
  let keys = 0;
  let bytes = 0;
  let reached: number | undefined;
  let watermark = Number.POSITIVE_INFINITY;
  for (const s of tracks) {
    keys += s.stats?.keys ?? 0;
    bytes += s.stats?.stateBytes ?? 0;
    if (s.stats?.keysAtMinEvents !== undefined) reached = (reached ?? 0) + s.stats.keysAtMinEvents;
    if (s.stats && Number.isFinite(s.stats.watermark)) watermark = Math.min(watermark, s.stats.watermark);
  }
  metrics.keys.set({ rule }, keys);
  metrics.stateBytes.set({ rule }, bytes);
  if (reached !== undefined) metrics.keysAtMinEvents.set({ rule }, reached);
  if (Number.isFinite(watermark)) metrics.watermark.set({ rule }, watermark / 1000);
}
