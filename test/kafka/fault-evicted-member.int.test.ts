import { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaDetector } from '../../src/detector/kafka/runtime.js';
import { toKafkaJsConfig } from '../../src/kafka/config.js';
import { fallbackLogger, silentLogger } from '../../src/log/logger.js';
import { createRegistry } from '../../src/metrics/registry.js';
import { compileRule, validateRuleSpec } from '../../src/rules/index.js';
import { createTopics, settingsFor, testKafka, uniqueTopics, waitFor } from './helpers.js';
import { EvictingNetwork } from './evicted-member.js';

const rule = compileRule({ uid: 'u-evicted', namespace: 't', name: 'evicted' }, validateRuleSpec({
  source: { eventTypes: ['purchase'] }, key: 'userId', detector: { type: 'threshold', field: 'amount', above: 50, bucket: '1m' }, severity: 'warning',
}));
const T0 = Date.parse('2026-03-02T10:00:00Z');

/**
 * The group drops the detector and its consumer's rejoin fails at once (a broker pause longer than
 * the session timeout, the coordinator still loading: the rare fault-publish failure on Kafka 3.9.1).
 * kafkajs 2.2.4 then fetches on without a member id and never heartbeats again; the detector must
 * notice its commits failing and rejoin, so everything it processes gets committed.
 */
describe('a detector the group dropped, whose consumer does not rejoin by itself', () => {
  const topics = uniqueTopics('evicted');
  const network = new EvictingNetwork();
  const kafka = new Kafka({ ...toKafkaJsConfig(settingsFor(topics)), socketFactory: network.factory, logLevel: process.env.HW_DEBUG ? 4 : 0 });
  const admin = testKafka(topics).admin();
  const producer = testKafka(topics).producer();
  let detector: KafkaDetector;

  beforeAll(async () => {
    await createTopics(testKafka(topics), topics, { eventPartitions: 2 });
    await admin.connect();
    await producer.connect();
  });
  afterAll(async () => {
    await detector?.stop();
    await producer.disconnect();
    await admin.disconnect();
  });

  const send = (from: number, n: number) => producer.send({
    topic: topics.events,
    messages: Array.from({ length: n }, (_, i) => ({ key: `u${i % 4}`, value: JSON.stringify({ id: `e${from + i}`, type: 'purchase', ts: T0 + (from + i) * 1000, userId: `u${i % 4}`, amount: 10 }) })),
  });
  const committed = async () => {
    const [res] = await admin.fetchOffsets({ groupId: detector.groupId, topics: [topics.events] });
    return (res?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  };
  const ends = async () => (await admin.fetchTopicOffsets(topics.events)).reduce((n, p) => n + Number(p.high), 0);

  it('rejoins and commits what it processes', async () => {
    detector = new KafkaDetector({
      kafka, rule, topics, registry: createRegistry(), logger: process.env.HW_DEBUG ? fallbackLogger() : silentLogger, startFrom: 'earliest', replayMs: 0, idleAdvanceMs: 0,
      sessionTimeoutMs: 6000, heartbeatIntervalMs: 500, rejoinAfterMs: 8000,
    });
    await detector.start();
    await send(0, 20);
    const first = await ends();
    await waitFor('the first records to be committed', async () => ((await committed()) >= first ? true : undefined), 30_000, 250);
    // Longer than kafkajs's own coordinator lookups retry, so its rejoin gives up.
    network.evictFor(8000);
    const before = network.rewritten;
    await send(20, 20);
    await new Promise((r) => setTimeout(r, 9000));
    expect(network.rewritten).toBeGreaterThan(before);
    await send(40, 20);
    const all = await ends();
    await waitFor('every record to be committed', async () => ((await committed()) >= all ? true : undefined), 60_000, 250);
    expect(detector.healthy()).toBe(true);
  });
});
