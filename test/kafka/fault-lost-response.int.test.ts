import { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HerdEvent } from '../../src/events/schema.js';
import { decodeEvents } from '../../src/kafka/codec.js';
import { toKafkaJsConfig } from '../../src/kafka/config.js';
import { KafkaEventSink } from '../../src/kafka/event-sink.js';
import { createTopics, readAll, settingsFor, testKafka, uniqueTopics } from './helpers.js';
import { LostResponseNetwork } from './lost-response.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');

/** One request's events: 16 shoppers, 3 purchases each, spread over every partition by userId. */
function request(k: number): HerdEvent[] {
  const events: HerdEvent[] = [];
  for (let u = 0; u < 16; u++) for (let j = 0; j < 3; j++) events.push({ id: `r${k}-u${u}-${j}`, type: 'purchase', ts: T0 + k * 1000 + u * 10 + j, userId: `r${k}-u${u}`, amount: 10 });
  return events;
}

/**
 * The broker appends a produce request and goes away before its answer arrives (the last
 * request before a broker restart). The broker stays away longer than the caller waits: the
 * send fails, the API answers 503 and its client retries. Whatever is sent next must be
 * written, not taken by the broker for a retry of the lost request and acknowledged without
 * being stored.
 */
describe('a produce answer lost while the broker is away', () => {
  const topics = uniqueTopics('lost-answer');
  const network = new LostResponseNetwork();
  const kafka = new Kafka({ ...toKafkaJsConfig(settingsFor(topics)), socketFactory: network.factory, logLevel: 0 });
  let sink: KafkaEventSink;

  beforeAll(async () => {
    await createTopics(testKafka(topics), topics);
    // The caller waits 2 s; the broker is away for 8 (the sink sends again only while a caller waits).
    sink = new KafkaEventSink(kafka, { topic: topics.events, sendTimeoutMs: 2000 });
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('writes every event acknowledged after the lost answer', async () => {
    await sink.send(request(0));
    const dropped = network.loseNextProduceResponse(8000);
    const lost = sink.send(request(1)).then(() => 'acknowledged', (err: { code?: string }) => err.code);
    await dropped;
    // The caller's deadline passes while the broker is away: the send fails (and kafkajs's, once its reconnect budget runs out).
    expect(await lost).toBe('HW_ERR_KAFKA');
    // The next requests, once the broker is back: they must be on the topic.
    await network.back();
    await sink.send(request(2));
    await sink.send(request(3));

    const onTopic: HerdEvent[] = [];
    for (const m of await readAll(testKafka(topics), topics.events)) decodeEvents(m.value, onTopic);
    const ids = new Set(onTopic.map((e) => e.id));
    const acked = [...request(0), ...request(2), ...request(3)].map((e) => e.id);
    expect(acked.filter((id) => !ids.has(id))).toEqual([]);
  });
});
