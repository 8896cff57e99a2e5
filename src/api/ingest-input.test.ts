import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { recordingSink, testApi } from './test-helpers.js';

const REES46 = new URL('../../../shared/data/rees46-2019-10-01-head.csv', import.meta.url).pathname;

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('POST /api/v1/events: what real senders send', () => {
  it('rejects an event far ahead of its receive time with HW_ERR_EVENT_FUTURE, keeping the others', async () => {
    const sink = recordingSink();
    const t = await testApi({ sink, settings: { maxFutureSkewMs: 60_000 } });
    app = t.app;
    const now = t.clock.now;
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', payload: [
      { type: 'purchase', ts: '2099-01-01T00:00:00Z', userId: 'U1', amount: 5 },
      { type: 'view', ts: now + 30_000, productId: 'p1' },
      { type: 'view', ts: now - 1000, productId: 'p2' },
    ] });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: [{ index: 0, code: 'HW_ERR_EVENT_FUTURE', field: '/ts' }] });
    expect(sink.sent.map((e) => e.productId)).toEqual(['p1', 'p2']);
    const only = await app.inject({ method: 'POST', url: '/api/v1/events', payload: { type: 'view', ts: now + 120_000, productId: 'p3' } });
    expect(only.statusCode).toBe(400);
    expect(only.json().rejected[0].code).toBe('HW_ERR_EVENT_FUTURE');
  });

  it('takes a REES46 CSV export as text/csv, detected from its header', async () => {
    const sink = recordingSink();
    const t = await testApi({ sink, settings: { bodyLimitBytes: 8 << 20 } });
    app = t.app;
    const head = readFileSync(REES46, 'utf8').split('\r\n').slice(0, 201).join('\r\n');
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', headers: { 'content-type': 'text/csv' }, payload: head });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 200, rejected: [] });
    expect(sink.sent[0]).toMatchObject({ type: 'view', ts: Date.UTC(2019, 9, 1), productId: '44600062', userId: '541312140', price: 35.79, attrs: { brand: 'shiseido' } });
    expect(sink.sent.some((e) => e.type === 'add_to_cart') || sink.sent.every((e) => e.type === 'view' || e.type === 'purchase')).toBe(true);
  });

  it('maps the columns of any CSV with ?map=, and says which header it could not read', async () => {
    const sink = recordingSink();
    const t = await testApi({ sink });
    app = t.app;
    const body = 'when,what,sku\n2026-01-01 11:00:00,view,17\n';
    const bad = await app.inject({ method: 'POST', url: '/api/v1/events', headers: { 'content-type': 'text/csv' }, payload: body });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('HW_ERR_CSV_HEADER');
    const res = await app.inject({ method: 'POST', url: '/api/v1/events?map=ts%3Dwhen%2Ctype%3Dwhat%2CproductId%3Dsku', headers: { 'content-type': 'text/csv' }, payload: body });
    expect(res.statusCode).toBe(202);
    expect(sink.sent[0]).toMatchObject({ type: 'view', productId: '17', ts: Date.UTC(2026, 0, 1, 11) });
  });
});
