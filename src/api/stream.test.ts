import { afterEach, describe, expect, it } from 'vitest';
import type { Transition } from '../engine/types.js';
import { testApi, type TestApi } from './test-helpers.js';

let t: TestApi | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

/** Reads SSE frames from a fetch body until `want` named events arrived. */
async function readEvents(body: ReadableStream<Uint8Array>, want: number): Promise<{ event: string; data: unknown; id?: string }[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const out: { event: string; data: unknown; id?: string }[] = [];
  while (out.length < want) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const fields = Object.fromEntries(frame.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
      if (fields.event) out.push({ event: fields.event, data: JSON.parse(fields.data ?? 'null'), ...(fields.id ? { id: fields.id } : {}) });
    }
  }
  await reader.cancel();
  return out;
}

describe('GET /api/v1/stream', () => {
  it('sends the current trending snapshot on connect, then alerts as they happen; a client leaving is unsubscribed', async () => {
    t = await testApi({ settings: { heartbeatSec: 60 } });
    await t.store.sendTrends({ ruleUid: 'u1', rule: 'shop/sneaker-surge', at: 1000, entries: [] });
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const res = await fetch(`${base}/api/v1/stream?rule=sneaker-surge`, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const alert: Transition = {
      id: 'u1:p1:0', state: 'firing', ruleUid: 'u1', rule: 'shop/sneaker-surge', detector: 'surge', severity: 'warning',
      key: 'p1', onset: 0, at: 10, value: 90, baseline: 10, lift: 9, score: 7, reason: 'test',
    };
    // Another rule's alert must not reach a client that asked for sneaker-surge.
    setTimeout(() => void t!.store.sendAlerts([{ ...alert, rule: 'shop/other', id: 'x' }, alert]), 50);
    const events = await readEvents(res.body!, 2);
    expect(events[0]).toMatchObject({ event: 'trending', data: { rule: 'shop/sneaker-surge', at: 1000 } });
    expect(events[1]).toMatchObject({ event: 'alert', id: 'u1:p1:0|firing', data: { key: 'p1', state: 'firing' } });
    controller.abort();
    for (let i = 0; i < 500 && !(await t.metric('herdwatch_stream_clients')).endsWith(' 0'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await t.metric('herdwatch_stream_clients')).toMatch(/ 0$/);
  });

  it('sends heartbeat comments while nothing happens', async () => {
    t = await testApi({ settings: { heartbeatSec: 0.05 } });
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const res = await fetch(`${base}/api/v1/stream`, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes(': heartbeat')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toMatch(/: heartbeat \d{4}-/);
  });

  it('a stream still open does not keep the server from shutting down', async () => {
    t = await testApi();
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${base}/api/v1/stream`);
    expect(res.status).toBe(200);
    await t.app.close();
    t = undefined;
    const rest = await res.text();
    expect(rest).toContain('retry:');
  });
});
