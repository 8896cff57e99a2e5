import { readFileSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { kafkaBacktestSource } from '../../src/backtest/kafka-source.js';
import { runBacktest } from '../../src/backtest/run.js';
import { createDetectorRunner } from '../../src/detector/runner.js';
import { replayEvents } from '../../src/detector/replay.js';
import { readTransactionsCsv } from '../../src/events/index.js';
import { KafkaEventSink } from '../../src/kafka/event-sink.js';
import { loadRuleFiles } from '../../src/rules/index.js';
import { createTopics, testKafka, uniqueTopics } from './helpers.js';

const topics = uniqueTopics('backtest');
let kafka: Kafka;
const events = readTransactionsCsv(readFileSync('src/events/testdata/transactions.csv', 'utf8')).events;

beforeAll(async () => {
  kafka = testKafka(topics);
  await createTopics(kafka, topics);
  const sink = new KafkaEventSink(kafka, { topic: topics.events });
  await sink.connect();
  await sink.send(events);
  await sink.close();
});

describe('backtest events from Kafka by timestamp', () => {
  it('reads what was received since the timestamp, and the preview equals a replay of the same events', async () => {
    const source = kafkaBacktestSource(kafka, topics.events);
    const read = await source.events(Date.now() - 3_600_000, 1_000_000);
    expect(read.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
    const rules = (await loadRuleFiles('k8s/examples')).map((l) => l.compiled).filter((r) => r.detector.type !== 'surge');
    const preview = (await runBacktest(rules, read, () => undefined)).flatMap((r) => r.alerts);
    const replayed = await replayEvents(createDetectorRunner({ rules }), events);
    const ids = (ts: { id: string; state: string }[]) => ts.map((t) => `${t.id}|${t.state}`).sort();
    expect(replayed.length).toBeGreaterThan(0);
    expect(ids(preview)).toEqual(ids(replayed));
  });

  it('stops at the bound, and finds nothing received after a later timestamp', async () => {
    const source = kafkaBacktestSource(kafka, topics.events);
    expect(await source.events(undefined, 10)).toHaveLength(10);
    expect(await source.events(Date.now() + 60_000, 1_000)).toEqual([]);
  });
});
