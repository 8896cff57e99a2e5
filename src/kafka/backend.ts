import type { Kafka } from 'kafkajs';
import { MemoryQueryStore } from '../store/memory.js';
import type { QueryStore } from '../store/types.js';
import { createKafka } from './client.js';
import type { KafkaSettings } from './config.js';
import { KafkaEventSink } from './event-sink.js';
import { KafkaMaterialiser } from './materialiser.js';
import { createMissingTopics, DEFAULT_LAYOUT, type TopicLayout } from './topics.js';
import type { Logger } from '../log/logger.js';

/** What `herdwatch api --kafka-brokers ...` hands to buildApi: a sink to produce to and a store that reads the topics. */
export interface KafkaBackend {
  readonly kafka: Kafka;
  readonly sink: KafkaEventSink;
  readonly store: QueryStore;
  readonly materialiser: KafkaMaterialiser;
  ready(): { ready: boolean; reason?: string };
  close(): Promise<void>;
}

export async function createKafkaBackend(
  settings: KafkaSettings,
  opts: { layout?: TopicLayout; sendTimeoutMs?: number; store?: QueryStore; createTopics?: boolean; logger?: Logger } = {},
): Promise<KafkaBackend> {
  const kafka = createKafka(settings, opts.logger);
  if (opts.createTopics ?? true) await createMissingTopics(kafka, settings.topics, opts.layout ?? DEFAULT_LAYOUT);
  const sink = new KafkaEventSink(kafka, { topic: settings.topics.events, ...(opts.sendTimeoutMs ? { sendTimeoutMs: opts.sendTimeoutMs } : {}) });
  await sink.connect();
  const store = opts.store ?? new MemoryQueryStore({ capacity: 10_000 });
  const materialiser = new KafkaMaterialiser({ kafka, topics: settings.topics, store });
  await materialiser.start();
  return {
    kafka, sink, store, materialiser,
    ready: () => (materialiser.ready() ? { ready: true } : { ready: false, reason: 'reading alerts and trends from Kafka' }),
    close: async () => {
      await Promise.allSettled([materialiser.stop(), sink.close()]);
    },
  };
}
