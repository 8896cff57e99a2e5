import type { IHeaders, Kafka } from 'kafkajs';
import { FreshAfterFailureProducer } from './producer.js';

/** One record for the events topic, before any client's own types. */
export interface OutRecord {
  readonly key: string | null;
  readonly value: Buffer | string;
  readonly partition?: number;
  readonly headers?: IHeaders;
}

/**
 * The whole of what the event sink needs from a Kafka client: the seam that keeps a swap
 * of client (ADR 0009) to one small adapter. `send` resolves once the broker acknowledged
 * every record with acks=all, from an idempotent producer.
 */
export interface RecordProducer {
  connect(): Promise<void>;
  /** The topic's partition count, to pack events where their keys land. */
  partitions(topic: string): Promise<number>;
  send(topic: string, records: readonly OutRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * kafkajs: the idempotent producer (murmur2 partitioner), a new producer id after a failed
 * send (see FreshAfterFailureProducer: kafkajs would otherwise reuse sequence numbers and the
 * broker drop the next batch as a duplicate), and an admin for metadata.
 */
export function kafkajsRecordProducer(kafka: Kafka): RecordProducer {
  const producer = new FreshAfterFailureProducer(kafka);
  return {
    connect: () => producer.connect(),
    async partitions(topic) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        return topics[0]?.partitions.length ?? 0;
      } finally {
        await admin.disconnect();
      }
    },
    send: async (topic, records) => {
      await producer.send({ topic, messages: records as OutRecord[], acks: -1 });
    },
    disconnect: () => producer.disconnect(),
  };
}
