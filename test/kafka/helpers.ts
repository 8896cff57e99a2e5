import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Partitioners, type Kafka, type KafkaMessage } from 'kafkajs';
import { createKafka } from '../../src/kafka/client.js';
import { kafkaSettings, type KafkaSettings } from '../../src/kafka/config.js';
import { retrying } from '../../src/kafka/retry.js';
import { ensureTopics, type TopicLayout } from '../../src/kafka/topics.js';
import type { Topics } from '../../src/bus/types.js';

/** Brokers from KAFKA_BROKERS (make test-kafka starts one and sets it). */
export function brokers(): string {
  const b = process.env.KAFKA_BROKERS;
  if (!b) throw new Error('KAFKA_BROKERS is not set: run these tests with `make test-kafka`');
  return b;
}

/** Fresh topic names, so test files and reruns never see each other's records. */
export function uniqueTopics(prefix: string): Topics {
  const id = randomUUID().slice(0, 8);
  return { events: `${prefix}-${id}.events`, alerts: `${prefix}-${id}.alerts`, trends: `${prefix}-${id}.trends` };
}

export function settingsFor(topics: Topics, overrides: Partial<KafkaSettings> = {}): KafkaSettings {
  return { ...kafkaSettings({ brokers: brokers(), clientId: 'herdwatch-test', topics }), ...overrides };
}

export async function createTopics(kafka: Kafka, topics: Topics, layout?: Partial<TopicLayout>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topics, { eventPartitions: 6, alertPartitions: 3, replicationFactor: 1, ...layout });
    // A fresh broker creates its group coordinator (__consumer_offsets) on first use: wait for it.
    await waitFor('the group coordinator', async () => {
      try {
        await admin.fetchOffsets({ groupId: 'herdwatch-test-warmup', topics: [topics.events] });
        return true;
      } catch {
        return undefined;
      }
    }, 60_000, 500);
  } finally {
    await admin.disconnect();
  }
}

export function testKafka(topics: Topics): Kafka {
  return createKafka(settingsFor(topics));
}

/** Every record currently on a topic (up to the high watermarks at call time). */
export async function readAll(kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, number>();
  try {
    // retrying: a test reads right after a broker fault, when a partition may have no leader for a moment.
    for (const p of await retrying(() => admin.fetchTopicOffsets(topic))) if (Number(p.high) > Number(p.low)) ends.set(p.partition, Number(p.high));
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return [];
  const out: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const done = new Set<number>();
    consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) if (Number(m.offset) < (ends.get(batch.partition) ?? 0)) out.push(m);
        const last = batch.messages[batch.messages.length - 1];
        if (last && Number(last.offset) + 1 >= (ends.get(batch.partition) ?? 0)) done.add(batch.partition);
        if (done.size >= ends.size) resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return out;
}

/** The local broker's pid, when `make test-kafka` / `make kafka-up` started it. */
export function localBrokerPid(): number | undefined {
  const home = process.env.HW_KAFKA_HOME ?? join(process.env.HW_CACHE ?? join(homedir(), '.cache', 'herdwatch'), 'kafka', 'run');
  try {
    const m = /KAFKA_PID=(\d+)/.exec(readFileSync(join(home, 'state'), 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The partition kafkajs's default (Java-compatible murmur2) partitioner picks for a key. */
export function partitionOfKey(partitions: number): (key: string) => number {
  const pick = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
  return (key) => pick({ topic: 't', partitionMetadata, message: { key, value: null } });
}
