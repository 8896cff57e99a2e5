import { compatibilityPartitioner, Producer } from '@platformatic/kafka';
import type { RecordProducer } from '../../src/kafka/record-producer.js';

/**
 * The reference row of `make bench-kafka`: the same event sink (packing, coalescing, acks)
 * over @platformatic/kafka instead of kafkajs, through the RecordProducer seam (ADR 0009).
 * Idempotent, acks=all, and its murmur2-compatible partitioner, so keys land where kafkajs
 * and Java producers put them.
 */
export function platformaticRecordProducer(brokers: string): RecordProducer {
  const producer = new Producer({
    clientId: 'herdwatch-bench-platformatic',
    bootstrapBrokers: brokers.split(','),
    idempotent: true,
    acks: -1,
    partitioner: compatibilityPartitioner,
  });
  return {
    connect: async () => undefined,
    async partitions(topic) {
      const meta = await producer.metadata({ topics: [topic] });
      return meta.topics.get(topic)?.partitionsCount ?? 0;
    },
    async send(topic, records) {
      await producer.send({
        messages: records.map((r) => ({
          topic,
          ...(r.key === null ? {} : { key: Buffer.from(r.key) }),
          value: Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value),
          ...(r.partition === undefined ? {} : { partition: r.partition }),
        })),
      });
    },
    disconnect: () => producer.close(),
  };
}
