import type { Kafka, TopicMessages } from 'kafkajs';
import type { Transition, TrendingSnapshot } from '../engine/types.js';
import { encodeTransition, encodeTrends, type PartitionTrends } from './codec.js';
import { kafkaError } from './event-sink.js';
import { FreshAfterFailureProducer } from './producer.js';
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

  constructor(kafka: Kafka, private readonly topics: Pick<Topics, 'alerts' | 'trends'>) {
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
    try {
      await this.producer.sendBatch({ topicMessages, acks: -1 });
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
    await this.producer.disconnect();
  }
}
