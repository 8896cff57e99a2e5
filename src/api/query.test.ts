import { afterEach, describe, expect, it } from 'vitest';
import type { Transition, TrendingSnapshot } from '../engine/types.js';
import { testApi, type TestApi } from './test-helpers.js';

const transition = (over: Partial<Transition>): Transition => ({
  id: 'uid-1:p1:1000', state: 'firing', ruleUid: 'uid-1', rule: 'shop/sneaker-surge', detector: 'surge', severity: 'warning',
  key: 'p1', onset: 1000, at: 2000, value: 120, baseline: 20, lift: 6, score: 9, reason: 'weighted count 120 vs baseline 20', ...over,
});

const snapshot = (rule: string, at: number, n: number): TrendingSnapshot => ({
  ruleUid: `uid-${rule}`, rule, at,
  entries: Array.from({ length: n }, (_, i) => ({ key: `p${i}`, value: 100 - i, baseline: 10, lift: (100 - i) / 10, score: 5, firing: i === 0 })),
});

let t: TestApi | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

describe('GET /api/v1/trending', () => {
  it('returns the latest snapshot per rule, limited, filtered by rule (namespace/name or name)', async () => {
    t = await testApi();
    await t.store.sendTrends(snapshot('shop/sneaker-surge', 10, 30));
    await t.store.sendTrends(snapshot('shop/any-product-surge', 10, 3));
    const all = (await t.app.inject('/api/v1/trending')).json();
    expect(all.rules.map((r: { rule: string }) => r.rule)).toEqual(['shop/any-product-surge', 'shop/sneaker-surge']);
    expect(all.rules[1].entries).toHaveLength(10);
    const one = (await t.app.inject('/api/v1/trending?rule=sneaker-surge&limit=2')).json();
    expect(one.rules).toHaveLength(1);
    expect(one.rules[0].entries.map((e: { key: string }) => e.key)).toEqual(['p0', 'p1']);
    expect((await t.app.inject('/api/v1/trending?rule=shop/sneaker-surge')).json().rules).toHaveLength(1);
  });

  it('each entry carries how many people are behind it, when the rule counts people', async () => {
    t = await testApi();
    const s = snapshot('shop/a', 10, 2);
    await t.store.sendTrends({ ...s, entries: [{ ...s.entries[0]!, actors: 7 }, s.entries[1]!] });
    const entries = (await t.app.inject('/api/v1/trending')).json().rules[0].entries;
    expect(entries[0].actors).toBe(7);
    expect(entries[1]).not.toHaveProperty('actors');
  });

  it('a replayed older snapshot does not replace a newer one', async () => {
    t = await testApi();
    await t.store.sendTrends(snapshot('shop/a', 20, 2));
    await t.store.sendTrends(snapshot('shop/a', 10, 5));
    expect((await t.app.inject('/api/v1/trending')).json().rules[0].at).toBe(20);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=101', 'limit'],
    ['rule=Not%20A%20Rule', 'rule'],
    ['limt=5', 'limt'],
  ])('answers ?%s with 400 HW_ERR_QUERY_INVALID naming %s', async (qs, field) => {
    t = await testApi();
    const res = await t.app.inject(`/api/v1/trending?${qs}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'HW_ERR_QUERY_INVALID', field });
    expect(res.json().expected).toBeTruthy();
  });
});

describe('GET /api/v1/alerts', () => {
  it('lists transitions newest first, filters by rule, state and limit, never twice the same', async () => {
    t = await testApi();
    await t.store.sendAlerts([
      transition({}),
      transition({ id: 'uid-2:U1:0', rule: 'shop/high-amount', ruleUid: 'uid-2', detector: 'threshold', key: 'U1' }),
      transition({ state: 'resolved', at: 5000 }),
    ]);
    await t.store.sendAlerts([transition({})]);
    const all = (await t.app.inject('/api/v1/alerts')).json().alerts;
    expect(all.map((a: Transition) => `${a.rule}:${a.state}`)).toEqual(['shop/sneaker-surge:resolved', 'shop/high-amount:firing', 'shop/sneaker-surge:firing']);
    const firing = (await t.app.inject('/api/v1/alerts?state=firing&rule=sneaker-surge')).json().alerts;
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ key: 'p1', lift: 6, state: 'firing' });
    expect((await t.app.inject('/api/v1/alerts?limit=1')).json().alerts).toHaveLength(1);
  });

  it('answers a bad state with 400 naming the parameter', async () => {
    t = await testApi();
    const res = await t.app.inject('/api/v1/alerts?state=burning');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'HW_ERR_QUERY_INVALID', field: 'state' });
  });
});

describe('other routes', () => {
  it('GET /api/v1/rules lists the loaded rules', async () => {
    const rule = { name: 'sneaker-surge', namespace: 'shop', uid: 'u', detector: 'surge', key: 'productId', severity: 'warning', paused: false, file: 'k8s/examples/sneaker-surge.yaml' };
    t = await testApi({ rules: () => [rule] });
    expect((await t.app.inject('/api/v1/rules')).json()).toEqual({ rules: [rule] });
  });

  it('/healthz is ok; /readyz says why it is not ready', async () => {
    let ready = false;
    t = await testApi({ ready: () => (ready ? { ready: true } : { ready: false, reason: 'catching up' }) });
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const not = await t.app.inject('/readyz');
    expect(not.statusCode).toBe(503);
    expect(not.json()).toEqual({ status: 'not ready', reason: 'catching up' });
    ready = true;
    expect((await t.app.inject('/readyz')).statusCode).toBe(200);
  });

  it('/metrics serves herdwatch_ metrics in Prometheus format, with route templates as labels', async () => {
    t = await testApi();
    await t.app.inject('/api/v1/alerts?limit=3');
    const res = await t.app.inject('/metrics');
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('herdwatch_http_request_duration_seconds_count{method="GET",route="/api/v1/alerts",status="200"} 1');
    const names = [...res.body.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!);
    expect(names.every((n) => n.startsWith('herdwatch_'))).toBe(true);
  });

  it('unknown routes get 404 HW_ERR_NOT_FOUND', async () => {
    t = await testApi();
    const res = await t.app.inject('/api/v1/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('HW_ERR_NOT_FOUND');
  });

  it('the OpenAPI document lists every route with the same parameter bounds the validation uses', async () => {
    t = await testApi();
    const doc = (await t.app.inject('/api/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/alerts', '/api/v1/events', '/api/v1/me', '/api/v1/openapi.json', '/api/v1/rules', '/api/v1/stream', '/api/v1/trending', '/healthz', '/metrics', '/readyz',
    ]);
    const limit = doc.paths['/api/v1/trending'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ minimum: 1, maximum: 100 });
    expect((await t.app.inject('/api/v1/trending?limit=100')).statusCode).toBe(200);
    expect((await t.app.inject('/api/v1/trending?limit=101')).statusCode).toBe(400);
    expect(doc.paths['/api/v1/events'].post['x-herdwatch-role']).toBe('ingest');
    expect(Object.keys(doc.paths['/api/v1/events'].post.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '413', '429', '503']));
  });
});
