import type { Logger } from '../../log/logger.js';
import type { Kafka, Message } from 'kafkajs';
import type { CompiledRule } from '../../engine/types.js';
import type { Topics } from '../../bus/types.js';
import type { DetectorMetrics } from '../../metrics/detector.js';
import type { Registry } from '../../metrics/registry.js';

export interface KafkaDetectorOptions {
  readonly kafka: Kafka;
  readonly rule: CompiledRule;
  readonly topics: Topics;
  /** The rule's source topic; the events topic by default. */
  readonly sourceTopic?: string;
  readonly groupId?: string;
  /** How far back (by message timestamp) a newly assigned partition is replayed silently. */
  readonly replayMs?: number;
  /** Where a group with no committed offsets starts: everything retained, or only new events. */
  readonly startFrom?: 'earliest' | 'latest';
  /** A caught-up partition with no message for this long advances event time by the clock; 0 never. */
  readonly idleAdvanceMs?: number;
  readonly tickMs?: number;
  readonly deadLetterTopic?: string;
  /** How far a JSON event's time may be ahead of its record's timestamp before it is malformed (reason future). */
  readonly futureSkewMs?: number;
  /** Least time between two trending snapshots of one partition on the trends topic; default 1 s. */
  readonly trendsIntervalMs?: number;
  /** Run the partition engines in a worker thread (1) or in this one (0, the default). */
  readonly engineThreads?: number;
  /** Group session timeout (default 10 s) and heartbeat interval (default 1 s), also used while a batch waits. */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Fetched batches that may wait for evaluation while the next one is fetched. */
  readonly maxQueuedBatches?: number;
  /** Pause before a failed commit of partitions still held is sent again (default 500 ms). */
  readonly commitRetryMs?: number;
  /** How long commits may say the group lost this member before the consumer is restarted, ms (default session timeout + 20 s). */
  readonly rejoinAfterMs?: number;
  readonly registry: Registry;
  readonly metrics?: DetectorMetrics;
  readonly now?: () => number;
  /** The process logger; the detector logs through a child with its rule. Default: JSON on stderr. */
  readonly logger?: Logger;
}

export function detectorGroupId(rule: Pick<CompiledRule, 'namespace' | 'name'>): string {
  return `herdwatch-detector-${rule.namespace}-${rule.name}`;
}

/** How much history rebuilds a rule's state: its window, and for surge a few baseline half-lives. */
export function defaultReplayMs(rule: CompiledRule): number {
  const d = rule.detector;
  const warmUp = d.type === 'surge' ? 3 * d.baselineHalfLifeMs : d.type === 'novelty' ? d.memoryMs : 0;
  return Math.min(d.windowMs + d.bucketMs + d.allowedLatenessMs + warmUp, 24 * 3600_000);
}

export function deadLetter(m: { key: Buffer | null; value: Buffer | null; timestamp: string }, topic: string, partition: number, reason: string, message: string): Message {
  return {
    key: m.key,
    value: m.value,
    headers: { 'x-herdwatch-reason': reason, 'x-herdwatch-error': message.slice(0, 200), 'x-herdwatch-source': `${topic}/${partition}` },
    timestamp: m.timestamp,
  };
}
