import Fastify, { type RouteOptions } from 'fastify';
import { Type } from '@sinclair/typebox';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { HerdEvent } from '../events/schema.js';
import { EventHistory } from '../store/history.js';
import { fullApi } from './document.js';
import { OPENAPI_PATH } from './openapi.js';
import { failOnSchemaDrift } from './response-check.js';

interface Operation { responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; 'x-herdwatch-role'?: string }
type Doc = { paths: Record<string, Record<string, Operation>> };

const asOpenApiPath = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');

describe('the OpenAPI document is generated from the routes', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => app?.close());

  it('lists every registered route with its method, and a schema for every answer it declares', async () => {
    const routes: RouteOptions[] = [];
    app = await fullApi({ onRoute: (r) => void routes.push(r) });
    const doc = (await app.inject(OPENAPI_PATH)).json<Doc>();
    const listed = routes
      .filter((r) => !(r.schema as { hide?: boolean } | undefined)?.hide)
      .flatMap((r) => [r.method].flat().filter((m) => m !== 'HEAD').map((m) => `${m.toLowerCase()} ${asOpenApiPath(r.url)}`));
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual([...new Set(listed)].sort());
    expect(listed.length).toBeGreaterThan(20);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const ok = Object.keys(op.responses).filter((s) => s.startsWith('2'));
        expect(ok, `${method} ${path} documents a 2xx answer`).not.toEqual([]);
        for (const s of ok) {
          if (s === '204') continue;
          expect(op.responses[s]!.content, `${method} ${path} ${s} has a body schema`).toBeDefined();
        }
      }
    }
    expect(doc.paths['/api/v1/events']!.post!['x-herdwatch-role']).toBe('ingest');
    expect(doc.paths['/api/v1/rules/{namespace}/{name}']!.put!['x-herdwatch-role']).toBe('edit');
  });

  it('refuses a response whose schema would drop a field the handler returned', async () => {
    const bare = Fastify();
    failOnSchemaDrift(bare);
    bare.get('/x', { schema: { response: { 200: Type.Object({ a: Type.Number() }) } } }, async () => ({ a: 1, b: 2 }));
    bare.get('/y', { schema: { response: { 200: Type.Object({ n: Type.Integer() }) } } }, async () => ({ n: 1.5 }));
    bare.get('/z', { schema: { response: { 200: Type.Object({ a: Type.Number() }) } } }, async () => ({ a: 1 }));
    const dropped = await bare.inject('/x');
    expect(dropped.statusCode).toBe(500);
    expect(dropped.json().message).toMatch(/changed the body at \/b/);
    expect((await bare.inject('/y')).statusCode).toBe(500);
    expect((await bare.inject('/z')).json()).toEqual({ a: 1 });
    await bare.close();
  });

  it('every route of the full API answers as its schema says (nothing dropped) on the happy path', async () => {
    const history = new EventHistory(1_000);
    const t0 = Date.UTC(2026, 0, 1);
    const events: HerdEvent[] = Array.from({ length: 50 }, (_, i) => ({ id: `e${i}`, type: 'purchase', ts: t0 + i * 60_000, productId: `p${i % 3}`, userId: `u${i % 5}`, amount: i % 7 === 0 ? 60_000 : 10, region: 'EU' }));
    history.add(events);
    app = await fullApi({ failOnSchemaDrift: true }, history);
    const bad: string[] = [];
    const check = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
      const r = await app!.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
      if (r.statusCode >= 500) bad.push(`${method} ${url}: ${r.statusCode} ${r.body}`);
      return r;
    };
    for (const url of ['/api/v1/trending', '/api/v1/alerts', '/api/v1/rules', '/api/v1/rules/audit', '/api/v1/me', '/api/v1/kpis', '/api/v1/silences', '/api/v1/traffic', '/healthz', '/readyz', OPENAPI_PATH]) await check('GET', url);
    const spec = { source: { eventTypes: ['purchase'] }, key: 'userId', detector: { type: 'threshold', field: 'amount', above: 50_000, bucket: '1m' }, severity: 'critical' };
    expect((await check('POST', '/api/v1/rules', { metadata: { name: 'big', namespace: 'shop' }, spec })).statusCode).toBe(201);
    expect((await check('GET', '/api/v1/rules/shop/big')).statusCode).toBe(200);
    const job = (await check('POST', '/api/v1/backtests', { spec, hours: 2 })).json<{ id: string }>();
    let state = 'running';
    while (state === 'running') {
      // Let the job's own timers run between polls.
      await new Promise((r) => setTimeout(r, 5));
      state = (await check('GET', `/api/v1/backtests/${job.id}`)).json<{ state: string }>().state;
    }
    expect(state, JSON.stringify(bad)).toBe('done');
    const silence = await check('POST', '/api/v1/silences', { rule: 'shop/big', for: '1h' });
    expect(silence.statusCode).toBe(201);
    expect((await check('DELETE', `/api/v1/silences/${silence.json<{ silence: { id: string } }>().silence.id}`)).statusCode).toBe(204);
    expect((await check('DELETE', '/api/v1/rules/shop/big')).statusCode).toBe(204);
    expect(bad).toEqual([]);
  });
});
