import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { HerdEvent } from '../../src/events/schema.js';
import { createKafka } from '../../src/kafka/client.js';
import { kafkaSettings } from '../../src/kafka/config.js';
import { ensureTopics } from '../../src/kafka/topics.js';
import type { Topics } from '../../src/bus/types.js';

export function brokers(): string {
  const b = process.env.KAFKA_BROKERS;
  if (!b) throw new Error('KAFKA_BROKERS is not set: run with `make bench-kafka` (it starts a broker)');
  return b;
}

export async function freshTopics(prefix: string, partitions = 6): Promise<{ kafka: Kafka; topics: Topics }> {
  const id = randomUUID().slice(0, 8);
  const topics = { events: `${prefix}-${id}.events`, alerts: `${prefix}-${id}.alerts`, trends: `${prefix}-${id}.trends` };
  const kafka = createKafka(kafkaSettings({ brokers: brokers(), clientId: 'herdwatch-bench', topics }));
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topics, { eventPartitions: partitions, alertPartitions: 3, replicationFactor: 1 });
  await admin.disconnect();
  return { kafka, topics };
}

/** Views and carts over `products` products with a Zipf-ish popularity, event times from `start`. */
export function shopEvents(n: number, opts: { products: number; start: number; spanMs: number; prefix?: string }): HerdEvent[] {
  const out: HerdEvent[] = new Array(n);
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < n; i++) {
    const product = Math.floor(opts.products * rnd() ** 2);
    out[i] = {
      id: `${opts.prefix ?? 'b'}${i}`, type: rnd() < 0.9 ? 'view' : 'add_to_cart', ts: opts.start + Math.floor((i / n) * opts.spanMs),
      productId: `P${product}`, category: 'sneakers', region: 'EU',
    };
  }
  return out;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
