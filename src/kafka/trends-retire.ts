import type { Kafka, Message } from 'kafkajs';
import { trendKey } from './codec.js';
import { kafkaError } from './event-sink.js';
import { idempotentProducer } from './producer.js';

/**
 * Tombstones (null values) for every trending snapshot a rule can have on the compacted
 * trends topic: one per source partition, and partition -1 (the in-process runner's). Readers
 * drop the rule from /trending; compaction then removes the records for good.
 */
export function trendTombstones(rule: string, partitions: number): Message[] {
  return Array.from({ length: partitions + 1 }, (_, i) => ({ key: trendKey(rule, i - 1), value: null }));
}

/** Writes the tombstones of a deleted rule (`namespace/name`); acknowledged by all in-sync replicas. */
export async function retireTrends(kafka: Kafka, topic: string, rule: string, partitions: number): Promise<void> {
  const producer = idempotentProducer(kafka);
  try {
    await producer.connect();
    await producer.send({ topic, messages: trendTombstones(rule, partitions), acks: -1 });
  } catch (err) {
    throw kafkaError(`cannot retire the trending snapshots of ${rule}`, err);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** `namespace/name` and source partition of a trends record key, or undefined for a foreign key. */
export function parseTrendKey(key: Buffer | null): { rule: string; partition: number } | undefined {
  const k = key?.toString('utf8') ?? '';
  const hash = k.lastIndexOf('#');
  if (hash <= 0) return undefined;
  const partition = Number(k.slice(hash + 1));
  return Number.isInteger(partition) ? { rule: k.slice(0, hash), partition } : undefined;
}
