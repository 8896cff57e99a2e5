import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { HwError } from '../errors.js';
import { MAX_BATCH_EVENTS } from './schemas.js';
import { READ_TOKEN, TOKENS, testApi } from './test-helpers.js';

// #12 defect 7: the API's edges, each as a client meets it.

const view = (productId: string, extra: Record<string, unknown> = {}) => ({ type: 'view', ts: '2026-01-01T11:59:00Z', productId, ...extra });
const post = (app: FastifyInstance, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/events', headers, payload: payload as object });

/** Raw HTTP over a socket: what a broken or slow client sends, and everything the server answers until it closes. */
function raw(port: number, write: (send: (s: string) => void) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => { got += d.toString(); });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
    socket.on('connect', () => write((s) => socket.write(s)));
  });
}
const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { code: string };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('rate limit identity', () => {
  it('a made-up token per request does not get a fresh bucket when the API is open', async () => {
    app = (await testApi({ settings: { rateLimitPerSec: 1, rateBurst: 2 } })).app;
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await app.inject({ url: '/api/v1/trending', headers: { authorization: `Bearer random-${i}` } })).statusCode);
    expect(codes).toEqual([200, 200, 429, 429]);
  });

  it('with open reads, unknown tokens share the address\'s bucket; a known token has its own', async () => {
    app = (await testApi({ settings: { tokens: TOKENS, openReads: true, rateLimitPerSec: 1, rateBurst: 1 } })).app;
    expect((await app.inject({ url: '/api/v1/trending', headers: { authorization: 'Bearer guess-1' } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/trending', headers: { authorization: 'Bearer guess-2' } })).statusCode).toBe(429);
    expect((await app.inject({ url: '/api/v1/trending', headers: { authorization: `Bearer ${READ_TOKEN}` } })).statusCode).toBe(200);
  });
});

describe('error answers keep their own code', () => {
  it('a 503 from the bus\'s own backpressure carries Retry-After', async () => {
    const sink = { send: async () => { throw new HwError('HW_ERR_BACKPRESSURE', { message: '900 events are waiting for Kafka; retry later' }); } };
    app = (await testApi({ sink, settings: { retryAfterSec: 3 } })).app;
    const res = await post(app, [view('p1')]);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'HW_ERR_BACKPRESSURE' });
    expect(res.headers['retry-after']).toBe('3');
  });

  it('a wrong method on a known path is 405 with Allow and a code; an unknown path stays 404', async () => {
    app = (await testApi()).app;
    const res = await app.inject({ method: 'DELETE', url: '/api/v1/trending?limit=3' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.json()).toMatchObject({ code: 'HW_ERR_METHOD_NOT_ALLOWED', field: 'method' });
    const put = await app.inject({ method: 'PUT', url: '/api/v1/events' });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('POST');
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/nothing' })).json()).toMatchObject({ code: 'HW_ERR_NOT_FOUND' });
  });

  it('malformed JSON on a JSON route is a body error, not an event-format error', async () => {
    app = (await testApi()).app;
    const res = await app.inject({ method: 'POST', url: '/api/v1/backtests', headers: { 'content-type': 'application/json' }, payload: '{"spec": ' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'HW_ERR_BODY_INVALID' });
  });

  it('a Content-Length that does not match the body is a coded 400, not 415', async () => {
    app = (await testApi()).app;
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', headers: { 'content-type': 'application/json', 'content-length': '500' }, payload: JSON.stringify([view('p1')]) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'HW_ERR_BAD_REQUEST', field: 'content-length' });
  });

  it('huge headers are a coded 431 and bytes that are not HTTP a coded 400, over a real socket', async () => {
    app = (await testApi()).app;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const garbage = await raw(port, (send) => send('HELLO THERE\r\n\r\n'));
    expect(statusOf(garbage)).toBe(400);
    expect(bodyOf(garbage).code).toBe('HW_ERR_BAD_REQUEST');
    const huge = await raw(port, (send) => send(`GET /api/v1/trending HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(statusOf(huge)).toBe(431);
    expect(bodyOf(huge).code).toBe('HW_ERR_HEADERS_TOO_LARGE');
  });

  it('a body that stops arriving is answered 408 with a code and its connection closed', async () => {
    app = (await testApi({ settings: { requestTimeoutMs: 300 } })).app;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    // Promises 1000 bytes, sends 10, then nothing: only the server's timeout ends this.
    const answer = await raw(port, (send) => send('POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"type":"'));
    expect(statusOf(answer)).toBe(408);
    expect(bodyOf(answer).code).toBe('HW_ERR_REQUEST_TIMEOUT');
  });
});

describe('query and validation gaps', () => {
  it('?rule= naming no rule is HW_ERR_NOT_FOUND on trending, alerts and the stream; a known quiet rule is 200 and empty', async () => {
    app = (await testApi({ rules: () => [{ name: 'quiet', namespace: 'shop', uid: 'u1', detector: 'surge', key: 'productId', severity: 'info', paused: false }] })).app;
    for (const url of ['/api/v1/trending?rule=nope', '/api/v1/alerts?rule=shop/nope', '/api/v1/stream?rule=nope']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ code: 'HW_ERR_NOT_FOUND', field: 'rule' });
    }
    expect((await app.inject('/api/v1/trending?rule=quiet')).json()).toEqual({ rules: [] });
    expect((await app.inject('/api/v1/alerts?rule=shop/quiet')).json()).toEqual({ alerts: [] });
  });

  it('a Segment event named like an Object method gets the "not mapped" error', async () => {
    app = (await testApi()).app;
    const res = await post(app, { type: 'track', event: 'constructor', timestamp: '2026-01-01T11:59:00Z', properties: { product_id: 'p1' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().rejected[0]).toMatchObject({ code: 'HW_ERR_SEGMENT_EVENT', field: '/event' });
    expect(res.json().rejected[0].message).toContain('"constructor" is not mapped');
  });

  it('an attribute key over 64 characters and an impossible date are rejected', async () => {
    app = (await testApi()).app;
    const res = await post(app, [view('p1', { attrs: { ['k'.repeat(65)]: 'x' } }), view('p2', { ts: '2026-02-30T10:00:00Z' }), view('p3', { attrs: { ['k'.repeat(64)]: 'x' } })]);
    expect(res.statusCode).toBe(202);
    expect(res.json().accepted).toBe(1);
    expect(res.json().rejected).toEqual([
      expect.objectContaining({ index: 0, code: 'HW_ERR_EVENT_FIELD', message: expect.stringContaining('1 to 64 characters') }),
      expect.objectContaining({ index: 1, code: 'HW_ERR_EVENT_FIELD', field: '/ts' }),
    ]);
  });

  it('the batch limit in the OpenAPI document is the server\'s: one more event is refused whole', async () => {
    app = (await testApi()).app;
    const doc = (await app.inject('/api/v1/openapi.json')).json();
    const body = doc.paths['/api/v1/events'].post.requestBody.content['application/json'].schema;
    const arrayForm = body.anyOf.find((s: { type?: string }) => s.type === 'array');
    expect(arrayForm.maxItems).toBe(MAX_BATCH_EVENTS);
    const ndjson = (n: number) => Array.from({ length: n }, (_, i) => `{"type":"view","ts":1767268740000,"productId":"p${i % 9}"}`).join('\n');
    const over = await app.inject({ method: 'POST', url: '/api/v1/events', headers: { 'content-type': 'application/x-ndjson' }, payload: ndjson(MAX_BATCH_EVENTS + 1) });
    expect(over.statusCode).toBe(413);
    expect(over.json()).toMatchObject({ code: 'HW_ERR_BATCH_TOO_LARGE' });
    const at = await app.inject({ method: 'POST', url: '/api/v1/events', headers: { 'content-type': 'application/x-ndjson' }, payload: ndjson(MAX_BATCH_EVENTS) });
    expect(at.statusCode).toBe(202);
  });
});
