import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { INGEST_TOKEN, READ_TOKEN, TOKENS, recordingSink, testApi } from './test-helpers.js';

const view = (productId: string, extra: Record<string, unknown> = {}) => ({ type: 'view', ts: '2026-01-01T11:59:00Z', productId, ...extra });

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('POST /api/v1/events', () => {
  it('accepts a JSON array, enriches with receive time and value tier, and answers 202', async () => {
    const sink = recordingSink();
    const t = await testApi({ sink });
    app = t.app;
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', payload: [view('p1'), { type: 'purchase', ts: 1767268000000, productId: 'p2', amount: 60000 }] });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 2, rejected: [] });
    expect(sink.sent.map((e) => e.productId)).toEqual(['p1', 'p2']);
    expect(sink.sent.every((e) => e.receivedAt === t.clock.now)).toBe(true);
    expect(sink.sent[1]!.valueTier).toBe('High');
    expect(await t.metric('herdwatch_ingest_events_total')).toContain('herdwatch_ingest_events_total{type="view"} 1');
  });

  it('accepts NDJSON and reports each bad line with its index, code and field while keeping the good ones', async () => {
    const sink = recordingSink();
    const t = await testApi({ sink });
    app = t.app;
    const body = [JSON.stringify(view('p1')), '{not json', JSON.stringify(view('p3', { price: 'cheap' }))].join('\n');
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', headers: { 'content-type': 'application/x-ndjson' }, payload: body });
    expect(res.statusCode).toBe(202);
    const json = res.json();
    expect(json.accepted).toBe(1);
    expect(json.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2]);
    expect(json.rejected[1]).toMatchObject({ index: 2, code: 'HW_ERR_EVENT_FIELD', field: '/price' });
    expect(sink.sent).toHaveLength(1);
    expect(await t.metric('herdwatch_ingest_rejected_events_total')).toContain('code="HW_ERR_EVENT_FIELD"');
  });

  it('answers 400 with the rejections when nothing is valid, and sends nothing', async () => {
    const sink = recordingSink();
    app = (await testApi({ sink })).app;
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', payload: [{ type: 'teleport', ts: 'yesterday' }] });
    expect(res.statusCode).toBe(400);
    const json = res.json();
    expect(json).toMatchObject({ accepted: 0, code: 'HW_ERR_EVENT_INVALID' });
    expect(json.rejected.length).toBeGreaterThan(0);
    expect(json.rejected[0]).toMatchObject({ index: 0, code: 'HW_ERR_EVENT_FIELD' });
    expect(sink.sent).toHaveLength(0);
  });

  it('answers malformed JSON with HW_ERR_EVENT_FORMAT', async () => {
    app = (await testApi()).app;
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', headers: { 'content-type': 'application/json' }, payload: '{"type": "view", ' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ accepted: 0, code: 'HW_ERR_EVENT_FORMAT', rejected: [{ index: 0, code: 'HW_ERR_EVENT_FORMAT' }] });
  });

  it('refuses an oversize body with 413 HW_ERR_BODY_TOO_LARGE', async () => {
    const sink = recordingSink();
    app = (await testApi({ sink, settings: { bodyLimitBytes: 1_000 } })).app;
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', payload: Array.from({ length: 50 }, (_, i) => view(`p${i}`)) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'HW_ERR_BODY_TOO_LARGE', expected: 'a body of at most 1000 bytes' });
    expect(sink.sent).toHaveLength(0);
  });

  it('refuses an unsupported content type with 415 HW_ERR_MEDIA_TYPE', async () => {
    app = (await testApi()).app;
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', headers: { 'content-type': 'application/xml' }, payload: '<event/>' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'HW_ERR_MEDIA_TYPE', field: 'content-type' });
  });
});

describe('bearer-token auth', () => {
  const post = (a: FastifyInstance, authorization?: string) =>
    a.inject({ method: 'POST', url: '/api/v1/events', payload: [view('p1')], headers: authorization ? { authorization } : {} });

  it('is open when no tokens are configured', async () => {
    app = (await testApi()).app;
    expect((await post(app)).statusCode).toBe(202);
  });

  it('401 without a token, 401 for an unknown token, 403 for a token without ingest, 202 with ingest', async () => {
    const sink = recordingSink();
    app = (await testApi({ sink, settings: { tokens: TOKENS } })).app;
    const missing = await post(app);
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: 'HW_ERR_UNAUTHORIZED', field: 'authorization' });
    const unknown = await post(app, 'Bearer guess');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('HW_ERR_UNAUTHORIZED');
    const wrongRole = await post(app, `Bearer ${READ_TOKEN}`);
    expect(wrongRole.statusCode).toBe(403);
    expect(wrongRole.json()).toMatchObject({ code: 'HW_ERR_FORBIDDEN', expected: 'a token with role ingest' });
    expect(sink.sent).toHaveLength(0);
    expect((await post(app, `Bearer ${INGEST_TOKEN}`)).statusCode).toBe(202);
    expect(sink.sent).toHaveLength(1);
  });

  it('checks the token before reading the body (401, not 413, for an oversize anonymous body)', async () => {
    app = (await testApi({ settings: { tokens: TOKENS, bodyLimitBytes: 100 } })).app;
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', payload: Array.from({ length: 50 }, (_, i) => view(`p${i}`)) });
    expect(res.statusCode).toBe(401);
  });

  it('read routes need role read; health, metrics and the OpenAPI document stay open', async () => {
    app = (await testApi({ settings: { tokens: TOKENS } })).app;
    expect((await app.inject('/api/v1/trending')).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/alerts', headers: { authorization: `Bearer ${INGEST_TOKEN}` } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/v1/alerts', headers: { authorization: `Bearer ${READ_TOKEN}` } })).statusCode).toBe(200);
    for (const url of ['/healthz', '/readyz', '/metrics', '/api/v1/openapi.json']) expect((await app.inject(url)).statusCode).toBe(200);
  });

  it('with openReads, reads need no token but ingest still does', async () => {
    app = (await testApi({ settings: { tokens: TOKENS, openReads: true } })).app;
    expect((await app.inject('/api/v1/trending')).statusCode).toBe(200);
    expect((await post(app)).statusCode).toBe(401);
  });
});

describe('per-token rate limit', () => {
  it('answers 429 with Retry-After once the burst is spent, and lets the client in again after waiting', async () => {
    const t = await testApi({ settings: { tokens: TOKENS, rateLimitPerSec: 2, rateBurst: 3 } });
    app = t.app;
    const post = () => t.app.inject({ method: 'POST', url: '/api/v1/events', payload: [view('p1')], headers: { authorization: `Bearer ${INGEST_TOKEN}` } });
    for (let i = 0; i < 3; i++) expect((await post()).statusCode).toBe(202);
    const limited = await post();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('HW_ERR_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another token has its own bucket.
    const other = await t.app.inject({ url: '/api/v1/alerts', headers: { authorization: `Bearer ${READ_TOKEN}` } });
    expect(other.statusCode).toBe(200);
    t.clock.now += 1_000;
    expect((await post()).statusCode).toBe(202);
  });
});

describe('guessing tokens', () => {
  it('is rate limited per address: after the burst, unknown tokens get 429, not endless 401s', async () => {
    const t = await testApi({ settings: { tokens: TOKENS, rateLimitPerSec: 1, rateBurst: 2 } });
    app = t.app;
    const guess = (n: number) => t.app.inject({ method: 'POST', url: '/api/v1/events', payload: [view('p1')], headers: { authorization: `Bearer guess-${n}` } });
    expect((await guess(1)).statusCode).toBe(401);
    expect((await guess(2)).statusCode).toBe(401);
    const third = await guess(3);
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toBeDefined();
  });
});

describe('backpressure', () => {
  it('answers 503 with Retry-After when the bus does not acknowledge in time, and counts nothing as accepted', async () => {
    const t = await testApi({ sink: { send: () => new Promise<void>(() => undefined) }, settings: { sendTimeoutMs: 20, retryAfterSec: 2 } });
    app = t.app;
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', payload: [view('p1')] });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.json().code).toBe('HW_ERR_BACKPRESSURE');
    expect(await t.metric('herdwatch_ingest_events_total')).not.toMatch(/ [1-9]/);
  });

  it('answers 503 when the bus rejects', async () => {
    app = (await testApi({ sink: { send: async () => { throw new Error('broker down'); } } })).app;
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', payload: [view('p1')] });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json()).toMatchObject({ code: 'HW_ERR_BACKPRESSURE', message: expect.stringContaining('refused') });
  });

  it('refuses at once while a hung send still holds the only slot', async () => {
    let release: () => void = () => undefined;
    const sink = { send: () => new Promise<void>((resolve) => (release = resolve)) };
    app = (await testApi({ sink, settings: { sendTimeoutMs: 20, maxInFlight: 1 } })).app;
    expect((await app.inject({ method: 'POST', url: '/api/v1/events', payload: [view('p1')] })).statusCode).toBe(503);
    const second = await app.inject({ method: 'POST', url: '/api/v1/events', payload: [view('p2')] });
    expect(second.statusCode).toBe(503);
    expect(second.json().message).toContain('already waiting');
    release();
    await new Promise((r) => setImmediate(r));
    const okSink = await app.inject({ method: 'POST', url: '/api/v1/events', payload: [view('p3')] });
    // The slot is free again; this send hangs again and times out, but was not refused up front.
    expect(okSink.json().message).not.toContain('already waiting');
  });
});
