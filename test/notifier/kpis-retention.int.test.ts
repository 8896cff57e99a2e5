import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.js';
import { recordingSink } from '../../src/api/test-helpers.js';
import { readTransactionsCsv } from '../../src/events/transactions.js';
import { encodeEvent } from '../../src/kafka/codec.js';
import { createRegistry } from '../../src/metrics/registry.js';
import { KafkaTransactionWriter } from '../../src/notifier/kafka-transactions.js';
import { createNotifierMetrics } from '../../src/notifier/metrics.js';
import { RetentionSweeper } from '../../src/notifier/retention.js';
import { transition } from '../../src/store/notify/contract.js';
import { MongoNotifierStore } from '../../src/store/notify/mongo.js';
import { MemoryQueryStore } from '../../src/store/memory.js';
import { createTopics, testKafka, uniqueTopics, waitFor } from '../kafka/helpers.js';
import { freshDb, mongoUri } from './env.js';

const CSV = readFileSync(join(import.meta.dirname, '..', '..', 'src', 'events', 'testdata', 'transactions.csv'), 'utf8');

/** The sums, computed from the raw CSV text alone (no HerdWatch parser): what the KPIs must equal. */
function independentSums() {
  const perMinute = new Map<number, { revenue: number; orders: number; pay: Record<string, number>; city: Record<string, number>; tier: Record<string, number> }>();
  for (const line of CSV.trim().split('\n').slice(1)) {
    const [, , amount, method, city, stamp] = line.split(',') as [string, string, string, string, string, string];
    const [d, mo, y, h, mi] = stamp.split(/[- :]/).map(Number) as [number, number, number, number, number];
    const minute = Date.UTC(y, mo - 1, d, h, mi);
    const a = Number(amount);
    const m = perMinute.get(minute) ?? { revenue: 0, orders: 0, pay: {}, city: {}, tier: {} };
    m.revenue += a;
    m.orders += 1;
    m.pay[method] = (m.pay[method] ?? 0) + a;
    m.city[city] = (m.city[city] ?? 0) + a;
    const tier = a >= 50_000 ? 'High' : a >= 5_000 ? 'Medium' : 'Low';
    m.tier[tier] = (m.tier[tier] ?? 0) + a;
    perMinute.set(minute, m);
  }
  return perMinute;
}

describe('transactions and KPIs from the events topic, on FerretDB', () => {
  const topics = uniqueTopics('notify-kpis');
  const kafka = testKafka(topics);
  const store = new MongoNotifierStore({ uri: mongoUri(), db: freshDb('kpis') });
  let writer: KafkaTransactionWriter;

  beforeAll(async () => {
    await createTopics(kafka, topics);
    await store.init();
    writer = new KafkaTransactionWriter({ kafka, topic: topics.events, groupId: `kpis-${Date.now()}`, store, metrics: createNotifierMetrics(createRegistry(), store), log: () => undefined });
    await writer.start();
  });
  afterAll(async () => {
    await writer?.stop();
    await store.close();
  });

  it('rolls the sample export up per minute to exactly the sums computed from the CSV, even when records come twice', async () => {
    const { events, rejected } = readTransactionsCsv(CSV);
    expect(rejected).toEqual([]);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: topics.events, acks: -1, messages: events.map((e) => encodeEvent(e)) });
    // The same records again (a producer retry, a replay): each transaction counts once.
    await producer.send({ topic: topics.events, acks: -1, messages: events.slice(0, 30).map((e) => encodeEvent(e)) });
    await producer.disconnect();

    const want = independentSums();
    const from = Math.min(...want.keys());
    const to = Math.max(...want.keys()) + 60_000;
    const app = await buildApi({ sink: recordingSink(), store: new MemoryQueryStore(), notifications: store });
    const report = await waitFor('all 100 transactions in the KPIs', async () => {
      const r = (await app.inject({ url: `/api/v1/kpis?from=${from}&to=${to}` })).json() as { minutes: { minute: number; revenue: number; orders: number; byPayment: Record<string, { revenue: number }>; byRegion: Record<string, { revenue: number }>; byTier: Record<string, { revenue: number }> }[]; topRegions: { key: string; revenue: number }[] };
      return r.minutes.reduce((n, m) => n + m.orders, 0) >= 100 ? r : undefined;
    }, 60_000, 500);
    await app.close();

    expect(report.minutes.map((m) => m.minute)).toEqual([...want.keys()].sort((a, b) => a - b));
    for (const m of report.minutes) {
      const w = want.get(m.minute)!;
      expect({ revenue: m.revenue, orders: m.orders }).toEqual({ revenue: w.revenue, orders: w.orders });
      expect(Object.fromEntries(Object.entries(m.byPayment).map(([k, v]) => [k, v.revenue]))).toEqual(w.pay);
      expect(Object.fromEntries(Object.entries(m.byRegion).map(([k, v]) => [k, v.revenue]))).toEqual(w.city);
      expect(Object.fromEntries(Object.entries(m.byTier).map(([k, v]) => [k, v.revenue]))).toEqual(w.tier);
    }
    const total = [...want.values()].reduce((n, m) => n + m.revenue, 0);
    expect(report.minutes.reduce((n, m) => n + m.revenue, 0)).toBe(total);
    expect(await store.transactionsC.countDocuments({})).toBe(100);
  });
});

describe('retention on FerretDB (no TTL there: the batched sweeper deletes)', () => {
  it('deletes expired alerts, deliveries, transactions and KPIs, and keeps what is not final', async () => {
    const store = new MongoNotifierStore({ uri: mongoUri(), db: freshDb('retention'), retention: { alertsMs: 1, transactionsMs: 1, kpisMs: 1 }, sweepBatch: 7 });
    await store.init();
    try {
      for (let i = 0; i < 20; i++) await store.recordTransition(transition({ id: `old${i}` }), Date.now() - 60_000);
      const t0 = Date.now() - 3_600_000;
      const minutes = await store.insertTransactions(Array.from({ length: 30 }, (_, i) => ({
        id: `tx${i}`, ts: t0 + i * 60_000, minute: Math.floor((t0 + i * 60_000) / 60_000) * 60_000, amount: 10, paymentMethod: 'UPI', region: 'Delhi', valueTier: 'Low' as const, event: { id: `tx${i}`, type: 'purchase' as const, ts: t0 + i * 60_000, amount: 10 },
      })));
      await store.rollup(minutes);
      await store.enqueue([{ id: 'open', alertId: 'old0', transition: 'firing', state: 'firing', channel: 'webhook', target: 't', rule: 'shop/r', ruleUid: 'uid-r', key: 'P1', status: 'pending', attempts: 0, nextAt: Date.now() + 3_600_000, createdAt: 0 }]);
      expect(store.ttl).toBe(false); // FerretDB v1 refuses expireAfterSeconds; MongoDB would say true

      const sweeper = new RetentionSweeper({ store, everyMs: 100, clock: Date.now, log: () => undefined });
      sweeper.start();
      await waitFor('the sweeper to empty the expired collections', async () => (await store.alertsC.countDocuments({})) === 0 && (await store.kpisC.countDocuments({})) === 0 || undefined, 30_000, 200);
      await sweeper.stop();
      expect(await store.transactionsC.countDocuments({})).toBe(0);
      expect(await store.alert('old3')).toBeUndefined();
      // A delivery not yet made is never deleted, however old its alert.
      expect((await store.delivery('open'))?.status).toBe('pending');
    } finally {
      await store.close();
    }
  });
});
