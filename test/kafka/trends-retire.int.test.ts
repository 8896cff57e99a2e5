import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaAlertSink } from '../../src/kafka/alert-sink.js';
import { KafkaMaterialiser } from '../../src/kafka/materialiser.js';
import { retireTrends } from '../../src/kafka/trends-retire.js';
import { MemoryQueryStore } from '../../src/store/memory.js';
import { createTopics, testKafka, uniqueTopics, waitFor } from './helpers.js';

const entry = (key: string) => ({ key, value: 10, baseline: 1, lift: 10, score: 5, firing: true });

/** A deleted rule's tombstones take it off /trending, for a running reader and for one started afterwards. */
describe('retiring a deleted rule\'s trending snapshots', () => {
  const topics = uniqueTopics('retire');
  const kafka = testKafka(topics);
  const sink = new KafkaAlertSink(kafka, topics);
  const readers: KafkaMaterialiser[] = [];

  function reader(): { store: MemoryQueryStore; started: Promise<void> } {
    const store = new MemoryQueryStore();
    const m = new KafkaMaterialiser({ kafka, topics, store });
    readers.push(m);
    return { store, started: m.start() };
  }

  beforeAll(() => createTopics(kafka, topics));
  afterAll(async () => {
    await Promise.all(readers.map((m) => m.stop()));
    await sink.close();
  });

  it('leaves /trending for the deleted rule only', async () => {
    const live = reader();
    await live.started;
    await sink.publish([], [
      { ruleUid: 'u1', rule: 'shop/deleted', at: 1000, partition: 0, entries: [entry('A')] },
      { ruleUid: 'u1', rule: 'shop/deleted', at: 1000, partition: 3, entries: [entry('B')] },
      { ruleUid: 'u2', rule: 'shop/kept', at: 1000, partition: 1, entries: [entry('C')] },
    ]);
    await waitFor('both rules on /trending', () => (live.store.trending().length === 2 ? true : undefined), 30_000);
    await retireTrends(kafka, topics.trends, 'shop/deleted', 6);
    await waitFor('the deleted rule to leave /trending', () => (live.store.trending().length === 1 ? true : undefined), 30_000);
    expect(live.store.trending().map((s) => s.rule)).toEqual(['shop/kept']);

    const later = reader();
    await later.started;
    await waitFor('a new reader to catch up', () => (readers[1]!.ready() ? true : undefined), 30_000);
    expect(later.store.trending().map((s) => s.rule)).toEqual(['shop/kept']);
  });
});
