import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';

/** Where a group stands on one partition, and since when its committed offset has not moved. */
interface Seen {
  committed: number;
  lag: number;
  movedAt: number;
}

export interface GroupLagOptions {
  /** Consumer groups whose id starts with this are watched (the detectors' groups). */
  readonly prefix?: string;
  /** Topics whose end offsets are exported even when no detector group reads them (the events topic). */
  readonly topics?: readonly string[];
  readonly intervalMs?: number;
  readonly clock?: () => number;
  readonly onError?: (err: Error) => void;
}

/**
 * Consumer-group lag seen from outside the consumers, the way an SRE's Kafka exporter sees
 * it: when a rule's detector is down, its own /metrics is gone with it, yet its group's
 * committed offsets stay behind the growing log. The API process runs this (it already holds
 * a Kafka connection), so "detector stopped" shows as lag, not only as a missing target.
 * Seconds are "how long the committed offset has been stuck while records wait": 0 when
 * caught up, growing by the clock while nothing commits.
 */
export class GroupLagMonitor {
  private readonly seen = new Map<string, Seen>();
  private readonly admin: Admin;
  private readonly prefix: string;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly offsets: Gauge<'group' | 'topic' | 'partition'>;
  private readonly seconds: Gauge<'group' | 'topic' | 'partition'>;
  private readonly endOffsets: Gauge<'topic'>;

  constructor(kafka: Kafka, registry: Registry, private readonly opts: GroupLagOptions = {}) {
    this.admin = kafka.admin();
    this.prefix = opts.prefix ?? 'herdwatch-detector-';
    this.clock = opts.clock ?? Date.now;
    // topic too: a group keeps the offsets of a topic it no longer reads (a rule's source.topic changed).
    const labelNames = ['group', 'topic', 'partition'] as const;
    this.offsets = new Gauge({
      name: 'herdwatch_consumer_group_lag_offsets', help: 'Records not yet committed by a detector consumer group, per partition (read from the broker)',
      labelNames, registers: [registry],
    });
    this.endOffsets = new Gauge({
      name: 'herdwatch_topic_end_offset', help: 'Sum of the end offsets of a topic\'s partitions: it grows with every record written (the no-events alert watches it)',
      labelNames: ['topic'], registers: [registry],
    });
    const seconds = (): void => this.exportSeconds();
    this.seconds = new Gauge({
      name: 'herdwatch_consumer_group_lag_seconds', help: 'How long a detector group\'s committed offset has not moved while records wait (0 when caught up)',
      labelNames, registers: [registry], collect: seconds,
    });
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.refresh().catch((err: unknown) => this.opts.onError?.(err as Error));
    this.timer = setInterval(() => {
      this.refreshing ??= this.refresh().catch((err: unknown) => this.opts.onError?.(err as Error)).finally(() => {
        this.refreshing = undefined;
      });
    }, this.opts.intervalMs ?? 10_000);
    this.timer.unref();
  }

  async refresh(): Promise<void> {
    const { groups } = await this.admin.listGroups();
    const now = this.clock();
    const live = new Set<string>();
    const highs = new Map<string, Map<number, number>>();
    const highsOf = async (topic: string): Promise<Map<number, number>> => {
      let high = highs.get(topic);
      if (!high) {
        high = new Map((await this.admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
        highs.set(topic, high);
      }
      return high;
    };
    const ids = groups.map((g) => g.groupId).filter((id) => id.startsWith(this.prefix));
    const reading = ids.length > 0 ? await this.readingTopics(ids) : new Map<string, Set<string>>();
    for (const groupId of ids) {
      const topics = reading.get(groupId);
      for (const t of await this.admin.fetchOffsets({ groupId })) {
        // A running group keeps the offsets of topics it no longer reads (a rule's source.topic
        // changed) until they expire: only what its members read now can be behind.
        if (topics && !topics.has(t.topic)) continue;
        const high = await highsOf(t.topic);
        for (const p of t.partitions) {
          const committed = Number(p.offset);
          // A group that has never committed on this partition has no position to be behind.
          if (committed < 0) continue;
          const key = `${groupId}\u0000${t.topic}\u0000${p.partition}`;
          const lag = Math.max(0, (high.get(p.partition) ?? committed) - committed);
          const prev = this.seen.get(key);
          this.seen.set(key, { committed, lag, movedAt: !prev || prev.committed !== committed || lag === 0 ? now : prev.movedAt });
          live.add(key);
        }
      }
    }
    for (const topic of this.opts.topics ?? []) await highsOf(topic).catch(() => undefined);
    for (const key of this.seen.keys()) if (!live.has(key)) this.seen.delete(key);
    this.offsets.reset();
    for (const [key, s] of this.seen) this.offsets.set(labels(key), s.lag);
    this.endOffsets.reset();
    for (const [topic, high] of highs) this.endOffsets.set({ topic }, [...high.values()].reduce((a, b) => a + b, 0));
  }

  /** Topics each group's members are assigned now; no entry for a group without members (stopped). */
  private async readingTopics(ids: string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    const { groups } = await this.admin.describeGroups(ids);
    for (const g of groups) {
      if (g.members.length === 0) continue;
      const topics = new Set<string>();
      for (const m of g.members) {
        const a = m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
        for (const topic of Object.keys(a?.assignment ?? {})) topics.add(topic);
      }
      out.set(g.groupId, topics);
    }
    return out;
  }

  private exportSeconds(): void {
    this.seconds.reset();
    const now = this.clock();
    for (const [key, s] of this.seen) this.seconds.set(labels(key), s.lag === 0 ? 0 : Math.max(0, (now - s.movedAt) / 1000));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    await this.admin.disconnect().catch(() => undefined);
  }
}

function labels(key: string): { group: string; topic: string; partition: string } {
  const [group = '', topic = '', partition = ''] = key.split('\u0000');
  return { group, topic, partition };
}
