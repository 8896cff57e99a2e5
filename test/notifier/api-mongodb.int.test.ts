/**
 * `herdwatch api --bus kafka --mongodb <uri>`, as a real process on real Kafka and FerretDB: it
 * serves what the notifier stored — alert history (paged, filtered), one alert with its
 * deliveries and dead letters, per-minute KPIs — and keeps silences and acks in MongoDB, where
 * the notifier (another process) reads them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { row, transition } from '../../src/store/notify/contract.js';
import { MongoNotifierStore } from '../../src/store/notify/mongo.js';
import type { TransactionRecord } from '../../src/store/notify/types.js';
import { brokers, waitFor } from '../kafka/helpers.js';
import { freshDb, mongoUri } from './env.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BASE = 1_795_615_200_000; // a whole hour
const tx = (id: string, ts: number, amount: number, region: string): TransactionRecord => ({
  id, ts, minute: ts - (ts % 60_000), amount, paymentMethod: 'UPI', region, valueTier: amount >= 5000 ? 'Medium' : 'Low', productId: 'SKU1',
  event: { id, type: 'purchase', ts, amount },
});

describe('herdwatch api --mongodb', () => {
  const db = freshDb('api');
  let seed: MongoNotifierStore;
  let api: ChildProcess | undefined;
  let base = '';
  const log: string[] = [];
  const get = async (path: string) => {
    const r = await fetch(base + path);
    return { status: r.status, body: await r.json() as Record<string, unknown> };
  };

  beforeAll(async () => {
    // What a notifier stored: three alerts of one rule (one resolved), deliveries (one sent, one dead letter), transactions.
    seed = new MongoNotifierStore({ uri: mongoUri(), db });
    await seed.init();
    for (let i = 0; i < 3; i++) await seed.recordTransition(transition({ id: `u:P${i}:1`, key: `P${i}`, rule: 'shop/sneaker-surge', at: BASE + i * 1000 }), BASE + i * 1000);
    await seed.recordTransition(transition({ id: 'u:P0:1', key: 'P0', rule: 'shop/sneaker-surge', state: 'resolved', at: BASE + 5000 }), BASE + 5000);
    await seed.recordTransition(transition({ id: 'v:X:1', key: 'X', rule: 'pay/big-amount', ruleUid: 'v', at: BASE + 500 }), BASE + 500);
    await seed.enqueue([row({ id: 'u:P2:1|firing|shop/sneaker-surge/webhook#0', alertId: 'u:P2:1' }), row({ id: 'u:P2:1|firing|shop/sneaker-surge/slack#1', alertId: 'u:P2:1', channel: 'slack', target: 'shop/sneaker-surge/slack#1' })]);
    const first = await seed.claim('seed:1', BASE, 60_000);
    await seed.finish(first!.id, 'seed:1', { status: 'sent', sentAt: BASE + 100, latencyMs: 80 });
    const second = await seed.claim('seed:1', BASE, 60_000);
    await seed.finish(second!.id, 'seed:1', { status: 'dead', lastError: '410 Gone: endpoint disabled' });
    const minutes = await seed.insertTransactions([tx('t1', BASE + 1000, 100, 'Delhi'), tx('t2', BASE + 2000, 6000, 'Pune'), tx('t3', BASE + 61_000, 50, 'Delhi')]);
    await seed.rollup(minutes);

    api = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cmd', 'herdwatch.ts'), 'api', '--bus', 'kafka', '--kafka-brokers', brokers(),
      '--mongodb', mongoUri(), '--mongodb-db', db, '--host', '127.0.0.1', '--port', '0', '--group-lag', 'off', '--rules', join(ROOT, 'no-rules-here')],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HERDWATCH_KAFKA_LOG: 'none', HERDWATCH_LOG_LEVEL: 'info', HERDWATCH_LOG_FORMAT: 'json' } });
    api.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    api.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    base = await waitFor('the API to listen', () => /listening on (http:\/\/[0-9.:]+)/.exec(log.join(''))?.[1], 60_000);
  }, 90_000);

  afterAll(async () => {
    if (api && api.exitCode === null) {
      const exited = new Promise((r) => api!.once('exit', r));
      api.kill('SIGTERM');
      await exited;
    }
    await seed?.close();
  });

  it('pages the stored alerts newest first and filters them by rule, key and state', async () => {
    const page1 = await get('/api/v1/alerts?rule=shop/sneaker-surge&limit=2');
    expect(page1.status, JSON.stringify(page1.body)).toBe(200);
    const ids = (b: Record<string, unknown>) => (b.alerts as { id: string }[]).map((a) => a.id);
    expect(ids(page1.body)).toEqual(['u:P0:1', 'u:P2:1']); // P0 resolved last, so it is the newest
    const page2 = await get(`/api/v1/alerts?rule=shop/sneaker-surge&limit=2&cursor=${encodeURIComponent(page1.body.next as string)}`);
    expect(ids(page2.body)).toEqual(['u:P1:1']);
    expect(page2.body.next).toBeUndefined();
    expect(ids((await get('/api/v1/alerts?state=resolved')).body)).toEqual(['u:P0:1']);
    expect(ids((await get('/api/v1/alerts?key=X')).body)).toEqual(['v:X:1']);
  });

  it('shows one alert with its transitions and every delivery, the dead letter with its reason', async () => {
    const r = await get(`/api/v1/alerts/${encodeURIComponent('u:P2:1')}`);
    expect(r.status).toBe(200);
    expect(r.body.alert).toMatchObject({ id: 'u:P2:1', rule: 'shop/sneaker-surge', state: 'firing' });
    const deliveries = r.body.deliveries as { channel: string; status: string; lastError?: string; latencyMs?: number }[];
    expect(deliveries.map((d) => [d.channel, d.status]).sort()).toEqual([['slack', 'dead'], ['webhook', 'sent']]);
    expect(deliveries.find((d) => d.status === 'dead')?.lastError).toBe('410 Gone: endpoint disabled');
    expect(deliveries.find((d) => d.status === 'sent')?.latencyMs).toBe(80);
    const missing = await get('/api/v1/alerts/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('HW_ERR_NOT_FOUND');
  });

  it('serves per-minute KPIs of the stored transactions', async () => {
    const r = await get(`/api/v1/kpis?from=${BASE}&to=${BASE + 3_600_000}&by=minute`);
    expect(r.status).toBe(200);
    expect((r.body.minutes as { minute: number; revenue: number; orders: number }[]).map((m) => [m.minute - BASE, m.revenue, m.orders])).toEqual([[0, 6100, 2], [60_000, 50, 1]]);
    expect(r.body.topRegions).toEqual([{ key: 'Pune', revenue: 6000, orders: 1 }, { key: 'Delhi', revenue: 150, orders: 2 }]);
    const hourly = await get(`/api/v1/kpis?from=${BASE}&to=${BASE + 3_600_000}&by=hour`);
    expect(hourly.body.minutes).toEqual([expect.objectContaining({ minute: BASE, revenue: 6150, orders: 3 })]);
  });

  it('keeps silences and acks in MongoDB, where the notifier reads them, and shows them on the alert', async () => {
    const post = (path: string, body: unknown) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const silenced = await post('/api/v1/silences', { rule: 'pay/big-amount', for: '2h', by: 'ana', comment: 'known promo' });
    expect(silenced.status).toBe(201);
    const { silence } = await silenced.json() as { silence: { id: string } };
    const acked = await post(`/api/v1/alerts/${encodeURIComponent('u:P1:1')}/ack`, { by: 'sam' });
    expect(acked.status).toBe(201);

    // Another process (the notifier) sees both through its own connection.
    const reader = new MongoNotifierStore({ uri: mongoUri(), db });
    try {
      const stored = await reader.silences(Date.now());
      expect(stored.map((s) => [s.kind, s.rule ?? s.alertId, s.by]).sort()).toEqual([['ack', 'u:P1:1', 'sam'], ['silence', 'pay/big-amount', 'ana']]);
    } finally {
      await reader.close();
    }
    expect((await get(`/api/v1/alerts/${encodeURIComponent('u:P1:1')}`)).body.alert).toMatchObject({ ackedBy: 'sam' });
    expect(((await get('/api/v1/silences')).body.silences as unknown[])).toHaveLength(2);
    expect((await fetch(`${base}/api/v1/silences/${silence.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(((await get('/api/v1/silences')).body.silences as unknown[])).toHaveLength(1);
  });
});
