import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Transition, TrendingEntry, TrendingSnapshot } from '../engine/types.js';
import type { AlertSink, Topics } from '../bus/types.js';
import { decodeTransition, decodeTrends, type PartitionTrends } from './codec.js';
import { retrying } from './retry.js';
import { parseTrendKey } from './trends-retire.js';

export interface MaterialiserOptions {
  readonly kafka: Kafka;
  readonly topics: Pick<Topics, 'alerts' | 'trends'>;
  /** Usually a MemoryQueryStore: it dedupes transitions by (id, state) and serves the API. */
  readonly store: AlertSink;
  /** Entries kept in a merged trending snapshot. */
  readonly topK?: number;
  readonly groupId?: string;
}

/**
 * Detectors publish one trending snapshot per source partition (their state is
 * partition-local); readers want one per rule. Keeps the latest per (rule, partition) and
 * merges them, highest score first.
 */
export class TrendMerger {
  private readonly parts = new Map<string, Map<number, PartitionTrends>>();

  constructor(private readonly topK = 50) {}

  add(s: PartitionTrends): TrendingSnapshot | undefined {
    let byPart = this.parts.get(s.rule);
    if (!byPart) this.parts.set(s.rule, (byPart = new Map()));
    const prev = byPart.get(s.partition);
    if (prev && prev.at > s.at) return undefined;
    byPart.set(s.partition, s);
    return this.merged(byPart, s);
  }

  /**
   * A tombstone for one (rule, partition): its snapshot goes. Returns the merged rest, or
   * 'gone' when the rule has no snapshot left (a deleted rule), or undefined when unknown.
   */
  remove(rule: string, partition: number): TrendingSnapshot | 'gone' | undefined {
    const byPart = this.parts.get(rule);
    if (!byPart?.delete(partition)) return undefined;
    const any = byPart.values().next().value;
    if (any === undefined) {
      this.parts.delete(rule);
      return 'gone';
    }
    return this.merged(byPart, any);
  }

  private merged(byPart: Map<number, PartitionTrends>, s: PartitionTrends): TrendingSnapshot {
    const entries: TrendingEntry[] = [...byPart.values()].flatMap((x) => x.entries);
    entries.sort((a, b) => Number(b.firing) - Number(a.firing) || b.score - a.score || b.lift - a.lift || a.key.localeCompare(b.key));
    const at = Math.max(...[...byPart.values()].map((x) => x.at));
    return { ruleUid: s.ruleUid, rule: s.rule, at, entries: entries.slice(0, this.topK) };
  }
}

/**
 * The API's query side on Kafka: reads the alerts and trends topics from the beginning
 * (alerts are few; trends are compacted) into a store. Every API replica reads everything
 * with its own throwaway group and never commits; the store dedupes (id, state), so the
 * at-least-once repeats of a detector's restart show once.
 */
export class KafkaMaterialiser {
  private readonly consumer: Consumer;
  private readonly merger: TrendMerger;
  private readonly o: MaterialiserOptions;
  private caughtUp = false;
  private targets = new Map<string, number>();
  private positions = new Map<string, number>();

  constructor(opts: MaterialiserOptions) {
    this.o = opts;
    this.merger = new TrendMerger(opts.topK);
    this.consumer = opts.kafka.consumer({ groupId: opts.groupId ?? `herdwatch-api-${randomUUID()}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  }

  /** Starts reading; resolves once running. `ready()` says when the past has been read. */
  async start(): Promise<void> {
    const admin = this.o.kafka.admin();
    await admin.connect();
    try {
      for (const topic of [this.o.topics.alerts, this.o.topics.trends]) {
        for (const p of await retrying(() => admin.fetchTopicOffsets(topic))) {
          if (Number(p.high) > Number(p.low)) this.targets.set(`${topic}/${p.partition}`, Number(p.high));
        }
      }
    } finally {
      await admin.disconnect();
    }
    this.caughtUp = this.targets.size === 0;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.o.topics.alerts, this.o.topics.trends], fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatch: (b) => this.onBatch(b) });
  }

  private async onBatch({ batch }: EachBatchPayload): Promise<void> {
    if (batch.topic === this.o.topics.alerts) {
      const ts: Transition[] = [];
      for (const m of batch.messages) {
        const t = decodeTransition(m.value);
        if (t) ts.push(t);
      }
      if (ts.length > 0) await this.o.store.sendAlerts(ts);
    } else {
      for (const m of batch.messages) {
        if (m.value === null) {
          // A tombstone: the rule was deleted (or that partition's snapshot retired).
          const k = parseTrendKey(m.key);
          const left = k ? this.merger.remove(k.rule, k.partition) : undefined;
          if (left === 'gone') await this.o.store.retireTrends?.(k!.rule);
          else if (left) await this.o.store.sendTrends(left);
          continue;
        }
        const s = decodeTrends(m.value);
        const merged = s ? this.merger.add(s) : undefined;
        if (merged) await this.o.store.sendTrends(merged);
      }
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last) this.positions.set(`${batch.topic}/${batch.partition}`, Number(last.offset) + 1);
    if (!this.caughtUp) this.caughtUp = [...this.targets].every(([k, high]) => (this.positions.get(k) ?? 0) >= high);
  }

  /** True once everything on the topics at start has been read into the store. */
  ready(): boolean {
    return this.caughtUp;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
