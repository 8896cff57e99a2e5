import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.js';
import { KafkaDetector } from '../../src/detector/kafka/runtime.js';
import type { Transition } from '../../src/engine/types.js';
import { createKafkaBackend, type KafkaBackend } from '../../src/kafka/backend.js';
import { decodeTransition } from '../../src/kafka/codec.js';
import { createRegistry } from '../../src/metrics/registry.js';
import { readAll, settingsFor, testKafka, uniqueTopics, waitFor } from './helpers.js';
import { surgeRule, surgeTraffic } from './traffic.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';

describe('a surge sent through the HTTP API', () => {
  const topics = uniqueTopics('surge');
  const kafka = testKafka(topics);
  const rule = surgeRule();
  let backend: KafkaBackend;
  let app: FastifyInstance;
  let detector: KafkaDetector;

  beforeAll(async () => {
    backend = await createKafkaBackend(settingsFor(topics));
    app = await buildApi({ sink: backend.sink, store: backend.store, settings: { rateLimitPerSec: 0, bodyLimitBytes: 8 * 1024 * 1024 } });
    detector = new KafkaDetector({
      kafka, rule, topics, registry: createRegistry(), startFrom: 'earliest', idleAdvanceMs: 5000, tickMs: 250, logger: process.env.HW_DEBUG ? createLogger({ level: 'debug', format: 'json' }) : silentLogger,
    });
    await detector.start();
  });
  afterAll(async () => {
    await detector?.stop();
    await app?.close();
    await backend?.close();
  });

  it('raises one firing alert for the surging product, resolves it after, and none for steady products', async () => {
    // An hour of traffic in event time, ending about now, so the clock-driven idle
    // advance closes the last buckets exactly like time passing would.
    const start = Math.floor((Date.now() - 60 * 60_000) / 10_000) * 10_000;
    const events = surgeTraffic({ start, minutes: 58, products: 8, perBucket: 3, surges: [{ product: 'P3', fromMin: 40, toMin: 44, factor: 8 }] });
    for (let i = 0; i < events.length; i += 500) {
      const body = events.slice(i, i + 500).map((e) => JSON.stringify(e)).join('\n');
      const res = await app.inject({ method: 'POST', url: '/api/v1/events', payload: body, headers: { 'content-type': 'application/x-ndjson' } });
      expect(res.statusCode).toBe(202);
      expect(res.json().accepted).toBe(Math.min(500, events.length - i));
    }

    // The API's query side reads the alerts topic: wait for the resolved alert there.
    const alerts = await waitFor('the surge to fire and resolve', async () => {
      const res = await app.inject({ method: 'GET', url: `/api/v1/alerts?rule=${rule.namespace}/${rule.name}` });
      const body = res.json() as { alerts?: Transition[] } | Transition[];
      const list = Array.isArray(body) ? body : body.alerts ?? [];
      return list.some((t) => t.state === 'resolved') ? list : undefined;
    }, 90_000, 500);
    expect(alerts.map((t) => `${t.key}:${t.state}`).sort()).toEqual(['P3:firing', 'P3:resolved']);

    // On the topic itself: exactly one firing and one resolved, with the same alert id.
    const raw = (await readAll(kafka, topics.alerts)).map((m) => decodeTransition(m.value)!);
    expect(raw.map((t) => `${t.key}:${t.state}`).sort()).toEqual(['P3:firing', 'P3:resolved']);
    expect(new Set(raw.map((t) => t.id)).size).toBe(1);
    const firing = raw.find((t) => t.state === 'firing')!;
    expect(firing.onset).toBeGreaterThanOrEqual(start + 40 * 60_000 - 10_000);
    expect(firing.onset).toBeLessThan(start + 44 * 60_000);
  });
});
