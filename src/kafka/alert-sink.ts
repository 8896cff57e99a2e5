import type { Kafka, TopicMessages } from 'kafkajs';
import type { Transition, TrendingSnapshot } from '../engine/types.js';
import { encodeTransition, encodeTrends, type PartitionTrends } from './codec.js';
import { kafkaError } from './event-sink.js';
import { FreshAfterFailureProducer } from './producer.js';
import { sendWhileTransient } from './retry.js';
import { traceHeaders } from './trace.js';
import type { AlertSink, Topics } from '../bus/types.js';

/**
 * Writes alert transitions (keyed by alert id) and trend snapshots (keyed by rule and
 * source partition) with one idempotent, fully acknowledged producer. `publish` puts both
 * in one request and resolves once the broker acknowledged them: the detector commits its
 * consumer offsets only after that, which is what makes the pipeline at-least-once.
 */
export class KafkaAlertSink implements AlertSink {
  private readonly producer: FreshAfterFailureProducer;
  private closed = false;

  /**
   * `transientRetryMs`: how long a publish that fails for a passing reason (no leader, a broker
   * reconnecting) is sent again before it fails; longer than a leader election or a broker's
   * fenced spell, short enough that a broker gone for good shows as failed publishes.
   */
  constructor(kafka: Kafka, private readonly topics: Pick<Topics, 'alerts' | 'trends'>, private readonly transientRetryMs = 30_000) {
    this.producer = new FreshAfterFailureProducer(kafka);
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** `extra` carries other records in the same request, e.g. dead letters. */
  async publish(transitions: readonly Transition[], trends: readonly PartitionTrends[], extra: readonly TopicMessages[] = []): Promise<void> {
    const topicMessages: TopicMessages[] = [...extra];
    const trace = traceHeaders();
    if (transitions.length > 0) topicMessages.push({ topic: this.topics.alerts, messages: transitions.map((t) => encodeTransition(t, trace)) });
    if (trends.length > 0) topicMessages.push({ topic: this.topics.trends, messages: trends.map(encodeTrends) });
    if (topicMessages.length === 0) return;
    const giveUpAt = Date.now() + this.transientRetryMs;
    try {
      // A partition without a leader for a moment must not cost the detector a rebuild of the
      // partition (what a failed publish leads to): the publish is sent again for a while first.
      await sendWhileTransient(() => this.producer.sendBatch({ topicMessages, acks: -1 }), () => !this.closed && Date.now() < giveUpAt);
    } catch (err) {
      throw kafkaError('cannot publish alerts and trends', err);
    }
  }

  sendAlerts(transitions: readonly Transition[]): Promise<void> {
    return this.publish(transitions, []);
  }

  /** A snapshot not tied to a source partition (the in-process runner's) goes under partition -1. */
  sendTrends(snapshot: TrendingSnapshot): Promise<void> {
    return this.publish([], [{ ...snapshot, partition: -1 }]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.producer.disconnect();
  }
}
