import { randomUUID } from 'node:crypto';
import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import type { EventSink } from '../bus/types.js';
import type { HerdEvent } from '../events/schema.js';
import { countMinutes, lastMinutes, type MinuteCounts, type TrafficMinute } from '../store/traffic.js';
import { retrying } from './retry.js';

/** How much event time of traffic is kept (and the topic retains): the app shows at most a day. */
export const TRAFFIC_KEEP_MS = 25 * 3_600_000;

/**
 * Site traffic on Kafka (ADR 0011): every API replica counts the events it has accepted per
 * minute of event time and type, and publishes the running total of each changed minute to a
 * compacted topic, keyed `<replica>/<minute>`. A record replaces that replica's earlier total
 * for the minute, so repeats are harmless; a restarted replica has a new id, so its totals add
 * to, never replace, its predecessor's. Readers sum the replicas per minute.
 */
export async function ensureTrafficTopic(kafka: Kafka, topic: string, replicationFactor = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{
        topic, numPartitions: 1, replicationFactor,
        configEntries: [{ name: 'cleanup.policy', value: 'compact,delete' }, { name: 'retention.ms', value: String(TRAFFIC_KEEP_MS) }, { name: 'segment.ms', value: '3600000' }],
      }],
    }).catch((err: { type?: string }) => {
      if (err.type !== 'TOPIC_ALREADY_EXISTS') throw err;
    });
    await retrying(() => admin.fetchTopicOffsets(topic));
  } finally {
    await admin.disconnect();
  }
}

interface TrafficRecord { replica: string; minute: number; byType: Record<string, number> }

/** Counts what this replica accepted and publishes changed minutes every `flushMs`. */
export class TrafficPublisher {
  readonly replica = randomUUID();
  private readonly counts: MinuteCounts = new Map();
  private readonly dirty = new Set<number>();
  private newest = Number.NEGATIVE_INFINITY;
  private readonly producer: Producer;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(kafka: Kafka, private readonly topic: string, private readonly opts: { flushMs?: number; onError?: (err: Error) => void } = {}) {
    // Java's murmur2 partitioner, as every HerdWatch producer (src/kafka/producer.ts); naming one also keeps kafkajs from warning that its default changed.
    this.producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    this.timer = setInterval(() => void this.flush(), this.opts.flushMs ?? 1_000);
    this.timer.unref();
  }

  /** Events the sink has accepted. Minutes older than the kept day are not counted (their total may be gone). */
  count(events: readonly HerdEvent[]): void {
    for (const e of events) if (e.ts > this.newest) this.newest = e.ts;
    const horizon = this.newest - TRAFFIC_KEEP_MS;
    countMinutes(this.counts, events.filter((e) => e.ts >= horizon), this.dirty);
  }

  /** A sink that counts what the wrapped sink accepted. */
  counting(sink: EventSink): EventSink {
    return { send: async (events) => { await sink.send(events); this.count(events); } };
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.dirty.size === 0) return;
      const minutes = [...this.dirty];
      this.dirty.clear();
      const messages = minutes.map((minute) => {
        const rec: TrafficRecord = { replica: this.replica, minute, byType: this.counts.get(minute) ?? {} };
        return { key: `${this.replica}/${minute}`, value: JSON.stringify(rec) };
      });
      try {
        await this.producer.send({ topic: this.topic, messages });
      } catch (err) {
        // Sent again with the next flush: a total replaces the last one, so nothing is counted twice.
        for (const m of minutes) this.dirty.add(m);
        this.opts.onError?.(err as Error);
      }
      const horizon = this.newest - TRAFFIC_KEEP_MS;
      for (const m of this.counts.keys()) if (m < horizon) this.counts.delete(m);
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.producer.disconnect();
  }
}

/** Reads the traffic topic from its start (a day, compacted) and sums the replicas per minute. */
export class TrafficReader {
  private readonly byMinute = new Map<number, Map<string, Record<string, number>>>();
  private readonly consumer: Consumer;
  private newest = Number.NEGATIVE_INFINITY;

  constructor(kafka: Kafka, private readonly topic: string) {
    this.consumer = kafka.consumer({ groupId: `herdwatch-traffic-${randomUUID()}`, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        if (message.value === null) return;
        let rec: TrafficRecord;
        try {
          rec = JSON.parse(message.value.toString()) as TrafficRecord;
        } catch {
          return; // not ours: a foreign record cannot break the chart
        }
        if (typeof rec.minute !== 'number' || typeof rec.replica !== 'string' || typeof rec.byType !== 'object' || rec.byType === null) return;
        let replicas = this.byMinute.get(rec.minute);
        if (!replicas) this.byMinute.set(rec.minute, (replicas = new Map()));
        replicas.set(rec.replica, rec.byType);
        if (rec.minute > this.newest) {
          this.newest = rec.minute;
          for (const m of this.byMinute.keys()) if (m < this.newest - TRAFFIC_KEEP_MS) this.byMinute.delete(m);
        }
      },
    });
  }

  /** The last `minutes` before the newest, summed over replicas (see lastMinutes). */
  minutes(minutes: number): TrafficMinute[] {
    const sums: MinuteCounts = new Map();
    for (const [m, replicas] of this.byMinute) {
      const row: Record<string, number> = {};
      for (const byType of replicas.values()) for (const [t, n] of Object.entries(byType)) if (typeof n === 'number') row[t] = (row[t] ?? 0) + n;
      sums.set(m, row);
    }
    return lastMinutes(sums, minutes);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
