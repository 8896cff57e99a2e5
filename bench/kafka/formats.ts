import { Partitioners, type Kafka, type Message } from 'kafkajs';
import type { HerdEvent } from '../../src/events/schema.js';
import { encodeEvent, encodeEventBatch, encodeEventsRecord, eventKey } from '../../src/kafka/codec.js';

/**
 * The three ways events sit on a topic, for the detector benchmark:
 * - `json`: one JSON event per record (foreign topics, records written before HWB1);
 * - `hwb1`: one HWB1 event per record (the same records as `json`, binary values);
 * - `hwb1-packed`: what the API writes: each request's events for one partition in one record
 *   (requests of `perRequest` events, as the ingest benchmark posts).
 */
export type ValueFormat = 'json' | 'hwb1' | 'hwb1-packed';

export function recordsOf(events: readonly HerdEvent[], format: ValueFormat, partitions: number, perRequest = 100): Message[] {
  if (format === 'json') return events.map((e) => encodeEvent(e));
  if (format === 'hwb1') return events.map((e) => ({ key: eventKey(e), value: encodeEventBatch([e]) }));
  const pick = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
  const out: Message[] = [];
  for (let i = 0; i < events.length; i += perRequest) {
    const byPartition = new Map<number, HerdEvent[]>();
    for (const e of events.slice(i, i + perRequest)) {
      const p = pick({ topic: 't', partitionMetadata, message: { key: eventKey(e), value: null } });
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(e);
    }
    for (const list of byPartition.values()) out.push(encodeEventsRecord(list));
  }
  return out;
}

/** Writes the records with one idempotent producer, in order, acks from all replicas. */
export async function produce(kafka: Kafka, topic: string, records: readonly Message[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: Number.MAX_SAFE_INTEGER } });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += 2000) await producer.send({ topic, messages: records.slice(i, i + 2000), acks: -1 });
  } finally {
    await producer.disconnect();
  }
}
