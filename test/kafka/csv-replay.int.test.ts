import { Partitioners } from 'kafkajs';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaDetector } from '../../src/detector/kafka/runtime.js';
import { createDetectorRunner } from '../../src/detector/runner.js';
import { readTransactionsCsv } from '../../src/events/index.js';
import { decodeTransition } from '../../src/kafka/codec.js';
import { KafkaEventSink } from '../../src/kafka/event-sink.js';
import { createRegistry, type Registry } from '../../src/metrics/registry.js';
import { loadRuleFiles, type LoadedRule } from '../../src/rules/index.js';
import { createTopics, partitionOfKey, readAll, testKafka, uniqueTopics, waitFor } from './helpers.js';
import { silentLogger } from '../../src/log/logger.js';

// The shared sample beside the clone; the copy kept with the event tests when it is absent.
const SHARED_CSV = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'transactions.csv');
const CSV = existsSync(SHARED_CSV) ? SHARED_CSV : join(import.meta.dirname, '..', '..', 'src', 'events', 'testdata', 'transactions.csv');
const EXAMPLES = join(import.meta.dirname, '..', '..', 'k8s', 'examples');
const PARTITIONS = 6;

describe('replaying transactions.csv through Kafka', () => {
  const topics = uniqueTopics('csv');
  const deadLetter = `${topics.events}.dlq`;
  const kafka = testKafka(topics);
  const sink = new KafkaEventSink(kafka, { topic: topics.events });
  const detectors: { detector: KafkaDetector; registry: Registry }[] = [];
  let rules: LoadedRule[];

  beforeAll(async () => {
    await createTopics(kafka, topics, { eventPartitions: PARTITIONS, deadLetter });
    rules = (await loadRuleFiles(EXAMPLES)).filter((r) => r.compiled.key === 'userId');
  });
  afterAll(async () => {
    await Promise.all(detectors.map((d) => d.detector.stop()));
    await sink.close();
  });

  it('yields the same alerts as the engine alone, and skips malformed messages', async () => {
    expect(rules.map((r) => r.compiled.name).sort()).toEqual(['high-amount', 'new-location', 'purchase-velocity']);
    const { events, rejected } = readTransactionsCsv(await readFile(CSV, 'utf8'));
    expect(rejected).toEqual([]);
    // Later purchases on every partition close the last buckets on both sides alike. Three per
    // partition: the engine holds a lone event far ahead of its stream (it could be a bad clock)
    // until the stream catches up or three such events agree.
    const last = Math.max(...events.map((e) => e.ts));
    const partitionOf = partitionOfKey(PARTITIONS);
    const perPartition = new Map<number, number>();
    const closing = Array.from({ length: 200 }, (_, i) => `W${i}`)
      .filter((k) => {
        const p = partitionOf(k);
        const n = perPartition.get(p) ?? 0;
        perPartition.set(p, n + 1);
        return n < 3;
      })
      .map((userId, i) => ({ id: `close-${i}`, type: 'purchase' as const, ts: last + 86_400_000 + i, userId, amount: 1, location: 'Nowhere', paymentMethod: 'UPI' }));
    expect(closing).toHaveLength(3 * PARTITIONS);
    const all = [...events, ...closing];

    const alone = createDetectorRunner({ rules: rules.map((r) => r.compiled) });
    const expected = [...new Set(alone.ingest(all).map((t) => `${t.rule}|${t.id}|${t.state}`))].sort();
    // The sample holds large amounts and new locations (no purchase bursts): alerts to compare.
    for (const name of ['high-amount', 'new-location']) expect(expected.some((k) => k.startsWith(`default/${name}|`))).toBe(true);

    // Garbage on the topic first: each detector must count it, skip it and keep going.
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: topics.events, messages: [
      { key: 'U001', value: 'not json at all' },
      { key: 'U001', value: JSON.stringify({ id: 'x1', type: 'teleport', ts: last, userId: 'U001' }) },
      { key: 'U001', value: JSON.stringify({ id: 'x2', type: 'purchase', ts: 'yesterday', userId: 'U001' }) },
      // A foreign producer's bad clock: three agreeing events in 2099 (enough to convince the engine's own
      // guard that the stream jumped) would make every later event on the partition late.
      ...[0, 1, 2].map((i) => ({ key: 'U001', value: JSON.stringify({ id: `f${i}`, type: 'purchase', ts: Date.parse('2099-01-01T00:00:00Z') + i, userId: 'U001', amount: 1 }) })),
    ] });
    await producer.disconnect();
    for (let i = 0; i < all.length; i += 25) await sink.send(all.slice(i, i + 25));

    for (const r of rules) {
      const registry = createRegistry();
      const detector = new KafkaDetector({
        kafka, rule: r.compiled, topics, registry, startFrom: 'earliest', idleAdvanceMs: 0, tickMs: 200, deadLetterTopic: deadLetter, logger: silentLogger,
      });
      await detector.start();
      detectors.push({ detector, registry });
    }

    const got = await waitFor('the alerts of all three rules', async () => {
      const seen = new Set((await readAll(kafka, topics.alerts)).map((m) => decodeTransition(m.value)!).map((t) => `${t.rule}|${t.id}|${t.state}`));
      return expected.every((k) => seen.has(k)) ? seen : undefined;
    }, 90_000, 500);
    expect([...got].sort()).toEqual(expected);

    for (const { registry } of detectors) {
      const malformed = (await registry.getSingleMetric('herdwatch_detector_malformed_messages_total')!.get()).values;
      expect(Object.fromEntries(malformed.map((v) => [v.labels.reason, v.value]))).toEqual({ json: 1, type: 1, timestamp: 1, future: 3 });
    }
    // Each of the three detectors dead-letters the six messages.
    const dead = await readAll(kafka, deadLetter);
    expect(dead.length).toBe(18);
    expect(new Set(dead.map((m) => m.headers?.['x-herdwatch-reason']?.toString()))).toEqual(new Set(['json', 'type', 'timestamp', 'future']));
  });
});
