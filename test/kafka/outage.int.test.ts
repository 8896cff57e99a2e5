import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.js';
import { MemoryQueryStore } from '../../src/store/memory.js';
import { createKafka } from '../../src/kafka/client.js';
import { decodeEvents } from '../../src/kafka/codec.js';
import type { HerdEvent } from '../../src/events/schema.js';
import { KafkaEventSink } from '../../src/kafka/event-sink.js';
import { createTopics, localBrokerPid, readAll, settingsFor, testKafka, uniqueTopics, waitFor } from './helpers.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
let seq = 0;
function ndjson(n: number): { body: string; ids: string[] } {
  const ids: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `evt-${++seq}`;
    ids.push(id);
    lines.push(JSON.stringify({ id, type: 'view', ts: T0 + seq * 10, productId: `P${seq % 17}` }));
  }
  return { body: lines.join('\n'), ids };
}

async function post(app: FastifyInstance, n: number): Promise<{ status: number; ids: string[]; retryAfter?: string }> {
  const { body, ids } = ndjson(n);
  const res = await app.inject({ method: 'POST', url: '/api/v1/events', payload: body, headers: { 'content-type': 'application/x-ndjson' } });
  return { status: res.statusCode, ids, ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}) };
}

describe('broker outage', () => {
  const topics = uniqueTopics('outage');
  const kafka = testKafka(topics);
  let sink: KafkaEventSink;
  let app: FastifyInstance;

  beforeAll(async () => {
    await createTopics(kafka, topics);
    sink = new KafkaEventSink(kafka, { topic: topics.events, sendTimeoutMs: 2000 });
    app = await buildApi({ sink, store: new MemoryQueryStore(), settings: { sendTimeoutMs: 4000, rateLimitPerSec: 0 } });
  });
  afterAll(async () => {
    await app?.close();
    await sink?.close();
  });

  it('answers 503 with Retry-After when no broker is reachable', async () => {
    // A port nobody listens on: connection refused on every attempt.
    const dead = createKafka(settingsFor(topics, { brokers: ['127.0.0.1:9'] }));
    const deadSink = new KafkaEventSink(dead, { topic: topics.events, sendTimeoutMs: 1500 });
    const deadApi = await buildApi({ sink: deadSink, store: new MemoryQueryStore(), settings: { rateLimitPerSec: 0 } });
    try {
      const res = await post(deadApi, 5);
      expect(res.status).toBe(503);
      expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1);
      const again = await deadApi.inject({ method: 'POST', url: '/api/v1/events', payload: ndjson(1).body, headers: { 'content-type': 'application/x-ndjson' } });
      expect(again.statusCode).toBe(503);
      expect(again.json().code).toBe('HW_ERR_BACKPRESSURE');
    } finally {
      await deadApi.close();
      await deadSink.close().catch(() => undefined);
    }
  });

  it('loses no acknowledged event across a broker stall, and refuses while it lasts', async () => {
    const acked: string[] = [];
    const refused: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await post(app, 50);
      expect(r.status).toBe(202);
      acked.push(...r.ids);
    }
    const pid = localBrokerPid();
    let stalled503 = 0;
    if (pid !== undefined) {
      // Freeze the broker (like a long GC pause or a network partition), keep posting.
      process.kill(pid, 'SIGSTOP');
      try {
        for (let i = 0; i < 3; i++) {
          const r = await post(app, 50);
          if (r.status === 202) acked.push(...r.ids);
          else {
            expect(r.status).toBe(503);
            expect(r.retryAfter).toBeDefined();
            stalled503++;
            refused.push(...r.ids);
          }
        }
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      expect(stalled503).toBeGreaterThan(0);
    }
    // After the stall clears, ingest works again (clients retry on 503).
    await waitFor('ingest to recover', async () => {
      const r = await post(app, 50);
      if (r.status !== 202) return undefined;
      acked.push(...r.ids);
      return true;
    }, 60_000, 500);
    const onTopic = new Set<string>();
    for (const m of await readAll(kafka, topics.events)) {
      const events: HerdEvent[] = [];
      if (decodeEvents(m.value, events).ok) for (const e of events) onTopic.add(e.id);
    }
    const lost = acked.filter((id) => !onTopic.has(id));
    expect(lost).toEqual([]);
    expect(acked.length).toBeGreaterThanOrEqual(1050);
  });
});
