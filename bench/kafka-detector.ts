import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { KafkaDetector } from '../src/detector/kafka/runtime.js';
import type { CompiledRule } from '../src/engine/types.js';
import { KafkaEventSink } from '../src/kafka/event-sink.js';
import type { Topics } from '../src/bus/types.js';
import { createRegistry } from '../src/metrics/registry.js';
import { compileRule, validateRuleSpec } from '../src/rules/index.js';
import { fmt, freshTopics, shopEvents } from './kafka/common.js';
import { loadAvg } from './kafka/machine.js';
import { createLogger } from '../src/log/logger.js';

export interface DetectorFigures {
  readonly events: number;
  readonly rawPerSecond: number;
  readonly detectorPerSecond: number;
  readonly ratio: number;
  readonly markdown: string;
}

// The same fetch settings for both sides, so the difference is the detector's own work.
const FETCH = { maxBytesPerPartition: 4 * 1024 * 1024, maxWaitTimeInMs: 100 };

function benchRule(): CompiledRule {
  const spec = validateRuleSpec({
    source: { eventTypes: ['view', 'add_to_cart', 'purchase'] }, key: 'productId', weights: { view: 1, add_to_cart: 3, purchase: 5 },
    detector: { type: 'surge', window: '5m', bucket: '10s', minLift: 3, sensitivity: 4 }, severity: 'info',
  });
  return compileRule({ uid: 'bench-surge', namespace: 'bench', name: 'surge' }, spec);
}

/** A plain kafkajs consumer that only counts messages (or also parses them): the ceiling for any consumer. */
async function rawConsume(kafka: Kafka, topic: string, total: number, parse = false): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, ...FETCH });
  let joinedAt = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt = performance.now();
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let doneAt = 0;
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        seen += batch.messages.length;
        if (parse) for (const m of batch.messages) JSON.parse(m.value!.toString('utf8'));
        const last = batch.messages[batch.messages.length - 1];
        if (last) resolveOffset(last.offset);
        if (seen >= total && !doneAt) {
          doneAt = performance.now();
          resolve();
        }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return total / ((doneAt - joinedAt) / 1000);
}

type Run = { perSecond: number; profile: ReturnType<KafkaDetector['profile']> };

async function detectorConsume(kafka: Kafka, topics: Topics, rule: CompiledRule, total: number, engineThreads: number): Promise<Run> {
  let joinedAt = 0;
  const detector = new KafkaDetector({
    kafka, rule, topics, registry: createRegistry(), groupId: `bench-detector-${randomUUID()}`, startFrom: 'earliest', replayMs: 0, idleAdvanceMs: 0, engineThreads,
    // The join time is read off the detector's own log line.
    logger: createLogger({ level: 'info', format: 'json' }, {
      write: (line: string) => {
        if (line.includes('"msg":"partitions assigned"')) joinedAt = performance.now();
      },
    }),
  });
  await detector.start();
  while (detector.processedOffsets() < total) await new Promise((r) => setTimeout(r, 2));
  const doneAt = performance.now();
  const profile = detector.profile();
  await detector.stop();
  return { perSecond: total / ((doneAt - joinedAt) / 1000), profile };
}

/**
 * Detector throughput: events consumed from Kafka, decoded, run through the engine (one per
 * partition), transitions and trends published and offsets committed — against a raw
 * kafkajs consume-only loop over the same topic, in the same run, alternating twice.
 */
export async function benchDetector(opts: { events?: number } = {}): Promise<DetectorFigures> {
  const total = opts.events ?? 300_000;
  const { kafka, topics } = await freshTopics('bench-detector');
  const sink = new KafkaEventSink(kafka, { topic: topics.events, sendTimeoutMs: 60_000, maxPendingEvents: 1_000_000 });
  const events = shopEvents(total, { products: 5000, start: Date.now() - 3 * 3600_000, spanMs: 3 * 3600_000 });
  const sends: Promise<void>[] = [];
  for (let i = 0; i < total; i += 5000) sends.push(sink.send(events.slice(i, i + 5000)));
  await Promise.all(sends);
  await sink.close();
  const rule = benchRule();
  const raw: number[] = [];
  const parsed: number[] = [];
  const det: Run[] = [];
  const threaded: Run[] = [];
  for (let round = 0; round < 2; round++) {
    raw.push(await rawConsume(kafka, topics.events, total));
    det.push(await detectorConsume(kafka, topics, rule, total, 0));
    parsed.push(await rawConsume(kafka, topics.events, total, true));
    threaded.push(await detectorConsume(kafka, topics, rule, total, 1));
  }
  const rawBest = Math.max(...raw);
  const bestOf = (runs: Run[]) => runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const best = bestOf(det);
  const bestThreaded = bestOf(threaded);
  const ratio = Math.max(best.perSecond, bestThreaded.perSecond) / rawBest;
  const p = best.profile;
  // Commits run beside the evaluation (coalesced, off its path): shares are of the on-path steps.
  const onPath = p.decode + p.engine + p.publish;
  const share = (x: number) => `${((x / onPath) * 100).toFixed(0)}%`;
  const perEvent = (x: number) => `${((x * 1000) / total).toFixed(1)} µs`;
  const markdown = [
    `Detector (\`bench/kafka-detector.ts\`): ${fmt(total)} events on 6 partitions (5,000 products, 3 h of event time), one member, surge rule`,
    '(5m window, 10s buckets). Timed from the group join to the last offset; best of two interleaved rounds per side.',
    '',
    '| consumer | events/s | rounds |',
    '|---|---:|---|',
    `| raw kafkajs consume-only loop (counts messages) | ${fmt(rawBest)} | ${raw.map((x) => fmt(x)).join(', ')} |`,
    `| raw loop + JSON.parse of each value (for reference: the decoding floor) | ${fmt(Math.max(...parsed))} | ${parsed.map((x) => fmt(x)).join(', ')} |`,
    `| herdwatch detector, engines in the consumer's thread (default) | ${fmt(best.perSecond)} | ${det.map((x) => fmt(x.perSecond)).join(', ')} |`,
    `| herdwatch detector, engines in a worker thread (\`--engine-threads 1\`) | ${fmt(bestThreaded.perSecond)} | ${threaded.map((x) => fmt(x.perSecond)).join(', ')} |`,
    '',
    `**Detector / raw: ${(best.perSecond / rawBest).toFixed(2)}x in one thread, ${(bestThreaded.perSecond / rawBest).toFixed(2)}x with the worker thread** (target ≥ 0.8x).`
      + ` Where the one-thread detector's time goes per event: JSON decoding and checks ${perEvent(p.decode)} (${share(p.decode)}),`
      + ` the engine ${perEvent(p.engine)} (${share(p.engine)}), publishing alerts and trends (acks=all) ${perEvent(p.publish)} (${share(p.publish)});`
      + ` offsets are committed beside that, coalesced (${fmt(p.commit)} ms of requests in the run). The raw loop spends ${perEvent(1e6 / rawBest * total / 1000)}`
      + ` per event in kafkajs fetching and decoding record batches, on the same thread: in one thread the detector pays both in sequence,`
      + ` so JSON decoding alone (the JSON.parse row) already costs a third of the raw rate. The worker thread overlaps the two only when a second core is free.`
      + ` Load average at the end: ${loadAvg()}.`,
  ].join('\n');
  return { events: total, rawPerSecond: rawBest, detectorPerSecond: Math.max(best.perSecond, bestThreaded.perSecond), ratio, markdown };
}
