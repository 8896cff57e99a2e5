import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { createDetectorRunner } from '../../src/detector/runner.js';
import { detectorGroupId } from '../../src/detector/kafka/runtime.js';
import type { CompiledRule } from '../../src/engine/types.js';
import type { HerdEvent } from '../../src/events/schema.js';
import { decodeTransition } from '../../src/kafka/codec.js';
import { KafkaEventSink } from '../../src/kafka/event-sink.js';
import { retrying } from '../../src/kafka/retry.js';
import type { Topics } from '../../src/bus/types.js';
import { loadRuleFiles } from '../../src/rules/index.js';
import { createTopics, partitionOfKey, readAll, testKafka, uniqueTopics, waitFor } from './helpers.js';
import { spawnDetector, type DetectorProcess } from './process.js';
import { surgeTraffic, watermarkEvents } from './traffic.js';

export const RULE_FILE = join(import.meta.dirname, 'fixtures', 'test-surge.yaml');
export const PARTITIONS = 6;

/**
 * The fault-injection tests' common ground: real detector processes on fresh topics, seventy
 * minutes of traffic with four surges, and what the engine alone says about the same events
 * (the alerts a user must see: every one, and after dedupe by (id, state) nothing else).
 */
export class Scenario {
  readonly topics: Topics;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly sink: KafkaEventSink;
  readonly procs: DetectorProcess[] = [];
  rule!: CompiledRule;
  groupId!: string;
  traffic!: HerdEvent[];
  /** Traffic plus one late event per partition that closes every bucket. */
  events!: HerdEvent[];
  expected!: string[];

  constructor(prefix: string) {
    this.topics = uniqueTopics(prefix);
    this.kafka = testKafka(this.topics);
    this.admin = this.kafka.admin();
    this.sink = new KafkaEventSink(this.kafka, { topic: this.topics.events, sendTimeoutMs: 120_000 });
  }

  async setUp(): Promise<void> {
    await createTopics(this.kafka, this.topics, { eventPartitions: PARTITIONS });
    await this.admin.connect();
    const [loaded] = await loadRuleFiles(RULE_FILE);
    this.rule = loaded!.compiled;
    this.groupId = detectorGroupId(this.rule);
    const begin = Math.floor((Date.now() - 3 * 3600_000) / 10_000) * 10_000;
    this.traffic = surgeTraffic({
      start: begin, minutes: 70, products: 10, perBucket: 3,
      surges: [
        { product: 'P1', fromMin: 22, toMin: 26, factor: 8 },
        { product: 'P5', fromMin: 34, toMin: 38, factor: 8 },
        { product: 'P3', fromMin: 46, toMin: 50, factor: 8 },
        { product: 'P6', fromMin: 58, toMin: 62, factor: 8 },
      ],
    });
    this.events = [...this.traffic, ...watermarkEvents(begin + 120 * 60_000, PARTITIONS, partitionOfKey(PARTITIONS))];
    const alone = createDetectorRunner({ rules: [this.rule] });
    this.expected = [...new Set(alone.ingest(this.events).map((t) => `${t.id}|${t.state}`))].sort();
    // A fault test with nothing to lose proves nothing: the traffic must raise its four surges.
    const firing = this.expected.filter((k) => k.endsWith('|firing')).length;
    if (firing < 4) throw new Error(`the scenario's traffic raises ${firing} of its 4 surges on the engine alone: fix the traffic or the rule before trusting a fault test`);
  }

  async tearDown(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.kill('SIGKILL')));
    await this.sink.close().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  start(extra: string[] = []): DetectorProcess {
    const p = spawnDetector('test/test-surge', RULE_FILE, this.topics, ['--idle-advance', 'off', ...extra]);
    this.procs.push(p);
    return p;
  }

  async send(events: readonly HerdEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 1000) await this.sink.send(events.slice(i, i + 1000));
  }

  /** Offsets the detector group has committed, summed over partitions. */
  async committed(): Promise<number> {
    const [res] = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topics.events] });
    return (res?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  }

  /**
   * Waits until the group has committed `share` of the records now on the events topic. Records,
   * not events: the API's sink packs a batch's events per partition into one record.
   */
  async waitForCommittedShare(share: number, timeoutMs = 90_000): Promise<void> {
    // Right after a broker pause the partitions may have no leader for a moment: ask again.
    const ends = await retrying(() => this.admin.fetchTopicOffsets(this.topics.events));
    const atLeast = Math.ceil(share * ends.reduce((n, p) => n + Number(p.high), 0));
    // Right after a broker pause the coordinator can answer NOT_COORDINATOR for a moment: ask again.
    const probe = async () => ((await this.committed().catch((err: { retriable?: boolean }) => (err.retriable ? -1 : Promise.reject(err)))) >= atLeast ? true : undefined);
    await this.withLogs(waitFor(`the group to commit ${atLeast} offsets`, probe, timeoutMs, 250));
  }

  /** A wait that times out carries the detectors' own logs (their start and end), so a CI failure says what they were doing. */
  private async withLogs<T>(wait: Promise<T>): Promise<T> {
    try {
      return await wait;
    } catch (err) {
      // Where it went wrong is usually near the start, and a stuck loop fills the end with one line.
      const logs = this.logs();
      const excerpt = logs.length <= 60_000 ? logs : `${logs.slice(0, 30_000)}\n[... ${logs.length - 60_000} characters ...]\n${logs.slice(-30_000)}`;
      throw new Error(`${(err as Error).message}\n${excerpt}`, { cause: err });
    }
  }

  /** (id|state) of every transition on the alerts topic, and how many records carried them. */
  async alerts(): Promise<{ set: string[]; records: number }> {
    const records = (await readAll(this.kafka, this.topics.alerts)).map((m) => decodeTransition(m.value)).filter((t) => t !== undefined);
    return { set: [...new Set(records.map((t) => `${t.id}|${t.state}`))].sort(), records: records.length };
  }

  /** Waits until every expected alert is on the topic; returns what is there then. */
  async allAlerts(timeoutMs = 120_000): Promise<string[]> {
    return this.withLogs(waitFor('every expected alert on the alerts topic', async () => {
      const { set } = await this.alerts();
      return this.expected.every((k) => set.includes(k)) ? set : undefined;
    }, timeoutMs, 1000));
  }

  logs(): string {
    return this.procs.map((p, i) => `---- detector ${i}\n${p.log.join('')}`).join('\n');
  }
}

/** Pauses the local broker like a long GC pause or a network partition (SIGSTOP), then resumes it. */
export async function pauseBroker(pid: number, ms: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  try {
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}
