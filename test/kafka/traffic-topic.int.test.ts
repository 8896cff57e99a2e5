import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HerdEvent } from '../../src/events/schema.js';
import { ensureTrafficTopic, TrafficPublisher, TrafficReader } from '../../src/kafka/traffic-topic.js';
import { testKafka, uniqueTopics, waitFor } from './helpers.js';

// Site traffic per minute as `herdwatch api --bus kafka` keeps it (ADR 0011): each API replica
// publishes its running totals, every reader sums the replicas.
const topics = uniqueTopics('traffic');
const topic = `${topics.events}.traffic`;
let kafka: Kafka;
const stop: (() => Promise<void>)[] = [];
const T0 = Date.UTC(2026, 10, 26, 12, 0);
const views = (n: number, at: number): HerdEvent[] => Array.from({ length: n }, (_, i) => ({ id: `v${at}-${i}`, type: 'view', ts: at + i, productId: 'p' }));

beforeAll(async () => {
  kafka = testKafka(topics);
  await ensureTrafficTopic(kafka, topic);
});
afterAll(async () => {
  // `a` was stopped by the test already; stopping twice is harmless.
  for (const s of stop.reverse()) await s().catch(() => undefined);
});

async function publisher(): Promise<TrafficPublisher> {
  const p = new TrafficPublisher(kafka, topic, { flushMs: 100 });
  await p.start();
  stop.push(() => p.stop());
  return p;
}

describe('site traffic on the traffic topic', () => {
  it('sums replicas per minute; a repeated total is not counted twice; a restarted replica adds to its predecessor', async () => {
    const a = await publisher();
    const b = await publisher();
    a.count(views(5, T0));
    b.count(views(3, T0));
    await a.flush();
    a.count(views(2, T0 + 1_000)); // a's total for the minute becomes 7, replacing its 5
    await a.flush();
    await a.flush(); // nothing changed: nothing sent
    await b.flush();
    // A replica that restarts is a new publisher (new id): its count adds to the minute.
    await a.stop();
    const a2 = await publisher();
    a2.count(views(4, T0 + 2_000));
    // The next minute makes T0 a closed minute (the newest, still filling, is not shown).
    a2.count(views(1, T0 + 60_000));
    await a2.flush();

    const reader = new TrafficReader(kafka, topic);
    await reader.start();
    stop.push(() => reader.stop());
    const minutes = await waitFor('the totals to be read', async () => {
      const m = reader.minutes(60);
      return m[0]?.byType.view === 14 ? m : undefined;
    }, 30_000, 100);
    expect(minutes).toEqual([{ minute: T0, byType: { view: 14 } }]);
  });
});
