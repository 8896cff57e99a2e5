/**
 * The notifier's costs, each as a ratio against a bare baseline in the same run:
 *  1. delivery throughput: signed webhook deliveries/s through the notifier (outbox on FerretDB,
 *     and in memory to separate the store's share) against a bare loop of the same HTTP client
 *     posting the same signed payloads with the same concurrency, to the same local receiver;
 *  2. latency from the alerts topic to the receiver, p50/p99, against a bare kafkajs consumer
 *     that posts each record as it reads it;
 *  3. store writes: transactions/s through the notifier's store (insert + KPI rollup, and insert
 *     alone) against a raw `insertMany` loop of the driver into the same FerretDB.
 *   make bench-notifier   (scripts/kafka/with-broker.sh + scripts/services/with-services.sh; --write rewrites
 *   the "Notifier" section of docs/benchmarks.md)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { webhookId, webhookPayload, signatureHeaders, signers } from '../src/notifier/channels/webhook.js';
import { keepAliveAgents, post } from '../src/notifier/http.js';
import { KafkaIntake } from '../src/notifier/kafka-intake.js';
import { Notifier } from '../src/notifier/notifier.js';
import { StaticRuleDirectory } from '../src/notifier/routing.js';
import { LocalSecrets } from '../src/notifier/secrets.js';
import { AddressGuard } from '../src/notifier/ssrf.js';
import { createRegistry } from '../src/metrics/registry.js';
import { MemoryNotifierStore } from '../src/store/notify/memory.js';
import { MongoNotifierStore } from '../src/store/notify/mongo.js';
import type { AlertRecord, AlertTransition, Delivery, NotifierStore, TransactionRecord } from '../src/store/notify/types.js';
import { writeSection } from './quality/section.js';

const MONGODB_URI = process.env.MONGODB_URI ?? '';
const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '';
if (!MONGODB_URI || !KAFKA_BROKERS) throw new Error('MONGODB_URI and KAFKA_BROKERS must be set: run `make bench-notifier`');
const N = Number(process.env.HW_BENCH_DELIVERIES ?? 400);
const LATENCY_N = Number(process.env.HW_BENCH_LATENCY_ALERTS ?? 200);
const TX_N = Number(process.env.HW_BENCH_TRANSACTIONS ?? 5_000);
const CONCURRENCY = 8;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const RULE = { rule: 'bench/surge', ruleUid: 'uid-bench', namespace: 'bench', channels: [{ webhook: { urlSecretRef: { name: 'hook', key: 'url' }, signingSecretRef: { name: 'hook', key: 'secret' } } }] };
const run = `${Date.now().toString(36)}`;
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function alert(i: number, tag: string): AlertTransition {
  const at = Date.UTC(2026, 10, 25, 14) + i * 1000;
  return {
    id: `uid-bench:${tag}-P${i}:${at}`, state: 'firing', ruleUid: 'uid-bench', rule: 'bench/surge', detector: 'surge', severity: 'warning', key: `${tag}-P${i}`,
    onset: at - 60_000, at, value: 312, baseline: 50.3, lift: 6.2, score: 11.4, reason: `P${i}: 312 weighted events in 5m, 6.2× the 50.3 expected`,
  };
}

/** A fast receiver: reads the body, answers 204, notes when each webhook-id arrived. */
async function receiver(): Promise<{ url: string; arrived: Map<string, number>; close: () => Promise<void> }> {
  const arrived = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      arrived.set(String(req.headers['webhook-id']), performance.now());
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, arrived, close: () => new Promise((r) => server.close(() => r())) };
}

async function waitUntil(what: string, ok: () => boolean, timeoutMs = 300_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`bench: gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function startNotifier(store: NotifierStore, url: string): Notifier {
  return new Notifier({
    store, registry: createRegistry(), routes: new StaticRuleDirectory([RULE]),
    secrets: new LocalSecrets({ HERDWATCH_SECRET_HOOK_URL: url, HERDWATCH_SECRET_HOOK_SECRET: SECRET }),
    channels: { uiUrl: 'https://herdwatch.shop.example', timeoutMs: 10_000, mailFrom: 'x@y', alertmanagerTtlMs: 240_000, guard: new AddressGuard(['127.0.0.0/8']) },
    concurrency: CONCURRENCY, digestPerMinute: 0, pollMs: 20,
  });
}

const mongo = (db: string) => new MongoNotifierStore({ uri: MONGODB_URI, db });

/** 1. deliveries/s: the notifier (accept N alerts, wait until the receiver has them all). */
async function notifierThroughput(store: NotifierStore, tag: string): Promise<number> {
  const r = await receiver();
  const n = startNotifier(store, r.url);
  await n.start();
  const alerts = Array.from({ length: N }, (_, i) => alert(i, tag));
  const t = performance.now();
  await n.accept(alerts);
  await waitUntil(`${N} deliveries (${tag})`, () => r.arrived.size >= N);
  const rate = N / ((performance.now() - t) / 1000);
  await n.stop();
  await store.close();
  await r.close();
  return rate;
}

/** 1. baseline: the same client (post + keep-alive agents), the same signed payloads, the same concurrency. */
async function bareThroughput(tag: string): Promise<number> {
  const r = await receiver();
  const agents = keepAliveAgents();
  const keys = signers(SECRET);
  const alerts = Array.from({ length: N }, (_, i) => alert(i, tag));
  const t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < alerts.length) {
      const a = alerts[next++]!;
      const id = `${a.id}|firing|bench/surge/webhook#0`;
      const record: AlertRecord = { id: a.id, rule: a.rule, ruleUid: a.ruleUid, key: a.key, severity: a.severity, detector: a.detector, state: a.state, onset: a.onset, firstAt: a.at, lastAt: a.at, transitions: [a] };
      const delivery = { id } as Delivery;
      const now = new Date();
      const body = JSON.stringify(webhookPayload({ alert: record, transition: a, delivery }, 'https://herdwatch.shop.example', now));
      await post(r.url, body, { timeoutMs: 10_000, agents, headers: signatureHeaders(webhookId(id), now, body, keys) });
    }
  }));
  const rate = N / ((performance.now() - t) / 1000);
  agents.http.destroy();
  await r.close();
  return rate;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** 2. topic → delivered: alerts produced one at a time at a steady rate; latency per alert at the receiver. */
async function latency(kafka: Kafka, mode: 'notifier-ferretdb' | 'notifier-memory' | 'bare'): Promise<{ p50: number; p99: number }> {
  const topic = `bench-alerts-${mode}-${run}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  const r = await receiver();
  const stops: (() => Promise<void>)[] = [];
  if (mode === 'bare') {
    const agents = keepAliveAgents();
    const consumer = kafka.consumer({ groupId: `bench-bare-${run}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => {
      const a = JSON.parse(message.value!.toString()) as AlertTransition;
      await post(r.url, message.value!.toString(), { timeoutMs: 10_000, agents, headers: { 'webhook-id': webhookId(`${a.id}|firing|bench/surge/webhook#0`) } });
    } });
    stops.push(async () => {
      await consumer.disconnect();
      agents.http.destroy();
    });
  } else {
    const store = mode === 'notifier-ferretdb' ? mongo(`bench_lat_${run}`) : new MemoryNotifierStore();
    const n = startNotifier(store, r.url);
    await n.start();
    const intake = new KafkaIntake({ kafka, topic, groupId: `bench-notifier-${mode}-${run}`, intake: n.intake, metrics: n.metrics, log: () => undefined });
    await intake.start();
    stops.push(async () => {
      await intake.stop();
      await n.stop();
      await store.close();
    });
  }
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await new Promise((r2) => setTimeout(r2, 3_000)); // the consumer group settles
  const sentAt = new Map<string, number>();
  for (let i = 0; i < LATENCY_N; i++) {
    const a = alert(i, `lat-${mode}`);
    sentAt.set(webhookId(`${a.id}|firing|bench/surge/webhook#0`), performance.now());
    await producer.send({ topic, messages: [{ key: a.key, value: JSON.stringify(a) }] });
    await new Promise((r2) => setTimeout(r2, 50)); // ~20 alerts/s: a storm, not a flood
  }
  await waitUntil(`${LATENCY_N} alerts delivered (${mode})`, () => r.arrived.size >= LATENCY_N);
  await producer.disconnect();
  for (const s of stops) await s();
  await r.close();
  const ms = [...sentAt].map(([id, t]) => r.arrived.get(id)! - t);
  return { p50: pct(ms, 50), p99: pct(ms, 99) };
}

function transactions(tag: string): TransactionRecord[] {
  const base = Date.UTC(2026, 10, 25, 14);
  return Array.from({ length: TX_N }, (_, i) => {
    const ts = base + i * 250;
    const amount = 100 + ((i * 7919) % 9000);
    return {
      id: `${tag}-t${i}`, ts, minute: ts - (ts % 60_000), amount, paymentMethod: ['UPI', 'Card', 'Wallet'][i % 3]!, region: ['Delhi', 'Pune', 'Mumbai', 'Chennai'][i % 4]!,
      valueTier: amount >= 5000 ? 'Medium' : 'Low', productId: `SKU${i % 50}`, userId: `U${i % 400}`, event: { id: `${tag}-t${i}`, type: 'purchase', ts, amount },
    } as TransactionRecord;
  });
}

/** 3. transactions/s into FerretDB, in batches of 500 as the Kafka writer sees them. */
async function storeWrites(mode: 'store' | 'store-insert-only' | 'raw'): Promise<number> {
  const rows = transactions(mode);
  const batches: TransactionRecord[][] = [];
  for (let i = 0; i < rows.length; i += 500) batches.push(rows.slice(i, i + 500));
  const db = `bench_tx_${mode.replace(/-/g, '_')}_${run}`;
  if (mode === 'raw') {
    const client = new MongoClient(MONGODB_URI);
    await client.connect();
    const c = client.db(db).collection('transactions');
    const t = performance.now();
    for (const b of batches) await c.insertMany(b.map(({ id, ...rest }) => ({ _id: id as unknown as never, ...rest })), { ordered: false });
    const rate = rows.length / ((performance.now() - t) / 1000);
    await client.close();
    return rate;
  }
  const store = mongo(db);
  await store.init();
  const t = performance.now();
  for (const b of batches) {
    const minutes = await store.insertTransactions(b);
    if (mode === 'store') await store.rollup(minutes);
  }
  const rate = rows.length / ((performance.now() - t) / 1000);
  await store.close();
  return rate;
}

const load = () => loadavg()[0]!.toFixed(1);
const started = new Date();
const loadBefore = load();
// Warm-up (JIT, sockets), not measured: whichever path ran first would otherwise pay for it.
await bareThroughput('warm');
await notifierThroughput(new MemoryNotifierStore(), 'warm');
const bare = await bareThroughput('bare');
const viaMemory = await notifierThroughput(new MemoryNotifierStore(), 'mem');
const ferret = mongo(`bench_tp_${run}`);
const viaFerret = await notifierThroughput(ferret, 'ferret');

const kafka = new Kafka({ clientId: 'bench-notifier', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
const latBare = await latency(kafka, 'bare');
const latMemory = await latency(kafka, 'notifier-memory');
const latFerret = await latency(kafka, 'notifier-ferretdb');

const raw = await storeWrites('raw');
const insertOnly = await storeWrites('store-insert-only');
const withRollup = await storeWrites('store');
const loadAfter = load();

const body = `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`make bench-notifier\` (bench/notifier.ts) on the shared 2-core
machine (load average ${loadBefore} at the start, ${loadAfter} at the end), FerretDB v1.24 (SQLite) and Kafka on loopback,
Node 24. Each ratio is against the baseline measured in the same run, in the same process.

**Delivery throughput** — ${fmt(N)} signed webhook deliveries to a local receiver that answers 204, ${CONCURRENCY} at a time.
Baseline: a bare loop of the notifier's own HTTP client (\`post\` with keep-alive agents) posting the same signed
Standard Webhooks payloads, ${CONCURRENCY} at a time.

| path | deliveries/s | vs bare loop |
|---|---:|---:|
| bare HTTP loop (baseline) | ${fmt(bare)} | 1.00× |
| notifier, outbox in memory | ${fmt(viaMemory)} | ${(viaMemory / bare).toFixed(3)}× |
| notifier, outbox on FerretDB | ${fmt(viaFerret)} | ${(viaFerret / bare).toFixed(3)}× |

**Latency, alert on the topic → delivered** — ${fmt(LATENCY_N)} alerts produced one by one (~20/s) to a 3-partition topic.
Baseline: a bare kafkajs consumer (\`eachMessage\`) posting each record to the same receiver.

| path | p50 ms | p99 ms | p50 vs bare |
|---|---:|---:|---:|
| bare consumer → POST (baseline) | ${fmt(latBare.p50, 1)} | ${fmt(latBare.p99, 1)} | 1.0× |
| notifier, outbox in memory | ${fmt(latMemory.p50, 1)} | ${fmt(latMemory.p99, 1)} | ${(latMemory.p50 / latBare.p50).toFixed(1)}× |
| notifier, outbox on FerretDB | ${fmt(latFerret.p50, 1)} | ${fmt(latFerret.p99, 1)} | ${(latFerret.p50 / latBare.p50).toFixed(1)}× |

**Store writes** — ${fmt(TX_N)} transactions in batches of 500 into FerretDB.

| path | transactions/s | vs raw insertMany |
|---|---:|---:|
| raw \`insertMany\` of the driver (baseline) | ${fmt(raw)} | 1.00× |
| notifier store: insertTransactions | ${fmt(insertOnly)} | ${(insertOnly / raw).toFixed(3)}× |
| notifier store: insertTransactions + KPI rollup (what the writer does) | ${fmt(withRollup)} | ${(withRollup / raw).toFixed(3)}× |

Reading: the notifier's own work (outbox bookkeeping, rendering, signing) costs little against the bare
loop when the outbox is in memory. On FerretDB v1 (SQLite) every delivery is several store operations
(claim token, claim, alert and silence reads, finish, move to \`deliveries\`, audit), and under this machine's load
each of them is slow, so FerretDB sets the pace; when ~20 alerts/s arrive faster than that, the
latency rows measure a queue, not one delivery. The rollup recomputes each touched minute with \`$group\`;
the insert alone keeps up, so the aggregation on FerretDB v1 is what is slow (it appears to read the collection). Use MongoDB
in production (\`MONGODB_URI\` points this benchmark at one).

Reproduce: \`make bench-notifier\` (sizes: \`HW_BENCH_DELIVERIES\`, \`HW_BENCH_LATENCY_ALERTS\`, \`HW_BENCH_TRANSACTIONS\`).
`;
console.log(body);
if (process.argv.includes('--write')) await writeSection(fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url)), 'Notifier', body);
process.exit(0);
