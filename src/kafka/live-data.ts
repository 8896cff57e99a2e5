import type { Kafka } from 'kafkajs';
import type { LiveDataDeps } from '../api/routes/live-data.js';
import type { EventSink } from '../bus/types.js';
import type { Logger } from '../log/logger.js';
import { TrendSamples } from '../store/trend-samples.js';
import type { QueryStore } from '../store/types.js';
import { kafkaSeriesSource } from './key-series.js';
import { ensureTrafficTopic, TrafficPublisher, TrafficReader } from './traffic-topic.js';

export interface KafkaLiveData {
  readonly liveData: LiveDataDeps;
  /** Wrap the ingest sink: what it accepts is counted into the traffic topic. */
  counting(sink: EventSink): EventSink;
  close(): Promise<void>;
}

/**
 * The drill-down and traffic chart of `herdwatch api --bus kafka` (ADR 0011): series read on
 * demand from the events topic, traffic per minute from the traffic topic this API (and every
 * other replica) publishes, the expected band from the trending snapshots the store receives.
 */
export async function startKafkaLiveData(o: {
  kafka: Kafka; eventsTopic: string; trafficTopic: string; store: QueryStore;
  rules: LiveDataDeps['rules']; replicationFactor?: number; logger?: Logger;
}): Promise<KafkaLiveData> {
  await ensureTrafficTopic(o.kafka, o.trafficTopic, o.replicationFactor);
  const publisher = new TrafficPublisher(o.kafka, o.trafficTopic, { onError: (err) => o.logger?.warn({ err: err.message }, 'cannot publish site traffic; retrying') });
  const reader = new TrafficReader(o.kafka, o.trafficTopic);
  await publisher.start();
  await reader.start();
  const samples = new TrendSamples();
  const unsubscribe = o.store.subscribe((ev) => {
    if (ev.kind === 'trending') samples.record(ev.snapshot);
  });
  // Snapshots already in the store (read before we subscribed) count too.
  for (const s of o.store.trending()) samples.record(s);
  return {
    liveData: {
      series: kafkaSeriesSource(o.kafka, o.eventsTopic),
      traffic: async (minutes) => reader.minutes(minutes),
      samples, store: o.store, rules: o.rules,
    },
    counting: (sink) => publisher.counting(sink),
    async close() {
      unsubscribe();
      await Promise.allSettled([publisher.stop(), reader.stop()]);
    },
  };
}

