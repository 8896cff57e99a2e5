import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetectorRunner } from '../../src/detector/runner.js';
import type { HerdEvent } from '../../src/events/schema.js';
import { decodeTransition } from '../../src/kafka/codec.js';
import { KafkaEventSink } from '../../src/kafka/event-sink.js';
import { loadRuleFiles } from '../../src/rules/index.js';
import { detectorGroupId } from '../../src/detector/kafka/runtime.js';
import { createTopics, partitionOfKey, readAll, testKafka, uniqueTopics, waitFor } from './helpers.js';
import { spawnDetector, type DetectorProcess } from './process.js';
import { surgeTraffic, watermarkEvents } from './traffic.js';

const RULE_FILE = join(import.meta.dirname, 'fixtures', 'test-surge.yaml');
const PARTITIONS = 6;

describe('detectors killed, restarted and sharing partitions', () => {
  const topics = uniqueTopics('failover');
  const kafka = testKafka(topics);
  const sink = new KafkaEventSink(kafka, { topic: topics.events, sendTimeoutMs: 10_000 });
  const procs: DetectorProcess[] = [];
  const admin = kafka.admin();

  beforeAll(async () => {
    await createTopics(kafka, topics, { eventPartitions: PARTITIONS });
    await admin.connect();
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await sink.close();
    await admin.disconnect();
  });

  async function committed(groupId: string): Promise<number> {
    const [res] = await admin.fetchOffsets({ groupId, topics: [topics.events] });
    return (res?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  }

  /** Records on the events topic now, summed over partitions. */
  async function records(): Promise<number> {
    return (await admin.fetchTopicOffsets(topics.events)).reduce((n, p) => n + Number(p.high), 0);
  }

  async function send(events: readonly HerdEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 1000) await sink.send(events.slice(i, i + 1000));
  }

  function start(extra: string[] = []): DetectorProcess {
    const p = spawnDetector('test/test-surge', RULE_FILE, topics, ['--idle-advance', 'off', ...extra]);
    procs.push(p);
    return p;
  }

  it('loses no alert and, after dedupe by id and state, delivers none twice', async () => {
    const [loaded] = await loadRuleFiles(RULE_FILE);
    const rule = loaded!.compiled;
    const groupId = detectorGroupId(rule);
    const begin = Math.floor((Date.now() - 3 * 3600_000) / 10_000) * 10_000;
    const traffic = surgeTraffic({
      start: begin, minutes: 70, products: 10, perBucket: 3,
      surges: [
        { product: 'P1', fromMin: 22, toMin: 26, factor: 8 },
        { product: 'P5', fromMin: 34, toMin: 38, factor: 8 },
        { product: 'P3', fromMin: 46, toMin: 50, factor: 8 },
        { product: 'P6', fromMin: 58, toMin: 62, factor: 8 },
      ],
    });
    const events = [...traffic, ...watermarkEvents(begin + 120 * 60_000, PARTITIONS, partitionOfKey(PARTITIONS))];

    // What the engine alone says about the same events.
    const alone = createDetectorRunner({ rules: [rule] });
    const expected = new Set(alone.ingest(events).map((t) => `${t.id}|${t.state}`));
    expect([...expected].filter((k) => k.endsWith('|firing')).length).toBe(4);
    expect([...expected].filter((k) => k.endsWith('|resolved')).length).toBe(4);

    const third = Math.floor(traffic.length / 3);
    // 1. One member; killed (SIGKILL: no commit, no leave) once it has committed something.
    const a = start();
    await send(traffic.slice(0, third));
    // Progress is counted in RECORDS: the sink packs a batch's events per partition into one record.
    const sent = await records();
    await waitFor('the first detector to commit', async () => ((await committed(groupId)) > sent / 2 ? true : undefined), 90_000, 250);
    await a.kill('SIGKILL');

    // 2. Restart, and a second member: the two share the six partitions.
    await send(traffic.slice(third, 2 * third));
    // One of them runs its engines in a worker thread: same results expected.
    const b = start(['--engine-threads', '1']);
    const c = start();
    await waitFor('both members to own partitions', () => {
      const owns = (p: DetectorProcess) => p.log.join('').includes('partitions assigned');
      return owns(b) && owns(c) ? true : undefined;
    }, 90_000, 250);
    const twoThirds = await records();
    await send(traffic.slice(2 * third, Math.floor(2.5 * third)));
    // 3. One of the two dies mid-stream; the survivor takes its partitions over.
    await waitFor('progress on the second third', async () => ((await committed(groupId)) > twoThirds ? true : undefined), 90_000, 250);
    await c.kill('SIGKILL');
    await send([...traffic.slice(Math.floor(2.5 * third)), ...events.slice(traffic.length)]);

    const wanted = [...expected].sort();
    const seen = await waitFor('every expected alert on the alerts topic', async () => {
      const got = new Set((await readAll(kafka, topics.alerts)).map((m) => decodeTransition(m.value)).map((t) => `${t!.id}|${t!.state}`));
      return wanted.every((k) => got.has(k)) ? got : undefined;
    }, 120_000, 1000);
    // Nothing extra either: the same set as the engine alone (repeats collapse by id and state).
    expect([...seen].sort()).toEqual(wanted);
    await b.kill('SIGTERM');
    if (process.env.HW_DEBUG) for (const p of procs) console.log('----', p.log.join(''));
  });
});
