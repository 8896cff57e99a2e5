import type { HerdEvent } from '../events/schema.js';
import type { Transition, TrendingSnapshot } from '../engine/types.js';
import { DEFAULT_TOPICS, type AlertSink, type EventSink, type Topics } from './types.js';

/**
 * An in-memory bus with Kafka's shape: topics split into partitions by key, records with
 * per-partition offsets, subscribers that read from an offset. It lets `herdwatch dev` and
 * unit tests run the same code paths as Kafka without a broker.
 */
export interface BusRecord<T = unknown> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: T;
  readonly timestamp: number;
}

export type BusHandler<T> = (records: readonly BusRecord<T>[]) => void | Promise<void>;

export interface MemoryBusOptions {
  readonly partitions?: number;
  readonly topics?: Topics;
  /** Records kept per partition (up to twice as many between trims); older ones are dropped, their offsets stay used. */
  readonly retention?: number;
  readonly now?: () => number;
}

interface Partition {
  /** Offset of records[0]. */
  base: number;
  records: BusRecord[];
}

/** FNV-1a: stable across processes, so the same key always lands on the same partition. */
export function partitionFor(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

/** The Kafka message key of an event: the product, so per-product state stays partition-local. */
export function eventKey(e: HerdEvent): string {
  return e.productId ?? e.userId ?? e.id;
}

export class MemoryBus {
  readonly topics: Topics;
  readonly partitions: number;
  private readonly retention: number;
  private readonly now: () => number;
  private readonly logs = new Map<string, Partition[]>();
  private readonly subscribers = new Map<string, Set<{ handler: BusHandler<unknown>; chain: Promise<void> }>>();

  constructor(opts: MemoryBusOptions = {}) {
    this.topics = opts.topics ?? DEFAULT_TOPICS;
    this.partitions = Math.max(1, Math.floor(opts.partitions ?? 3));
    this.retention = Math.max(1, opts.retention ?? 100_000);
    this.now = opts.now ?? Date.now;
  }

  private log(topic: string): Partition[] {
    let parts = this.logs.get(topic);
    if (!parts) {
      parts = Array.from({ length: this.partitions }, () => ({ base: 0, records: [] }));
      this.logs.set(topic, parts);
    }
    return parts;
  }

  /** Appends records and hands them to subscribers asynchronously, in order. */
  produce<T>(topic: string, messages: readonly { key: string; value: T }[]): BusRecord<T>[] {
    const parts = this.log(topic);
    const written: BusRecord<T>[] = [];
    const timestamp = this.now();
    for (const m of messages) {
      const partition = partitionFor(m.key, this.partitions);
      const p = parts[partition]!;
      const record: BusRecord<T> = { topic, partition, offset: p.base + p.records.length, key: m.key, value: m.value, timestamp };
      p.records.push(record);
      // Trimmed in bulk once the log is twice the retention: amortised O(1) per record.
      if (p.records.length >= 2 * this.retention) {
        const drop = p.records.length - this.retention;
        p.records.splice(0, drop);
        p.base += drop;
      }
      written.push(record);
    }
    if (written.length > 0) this.deliver(topic, written);
    return written;
  }

  private deliver(topic: string, records: readonly BusRecord[]): void {
    for (const sub of this.subscribers.get(topic) ?? []) {
      // Each subscriber sees records in order, one batch after the other, like a consumer.
      sub.chain = sub.chain.then(() => sub.handler(records)).catch(() => undefined);
    }
  }

  /** Records of one partition from `offset` (inclusive), at most `max`. */
  read<T = unknown>(topic: string, partition: number, offset: number, max = Number.POSITIVE_INFINITY): BusRecord<T>[] {
    const p = this.log(topic)[partition];
    if (!p) return [];
    const start = Math.max(0, offset - p.base);
    return p.records.slice(start, start + Math.min(max, p.records.length)) as BusRecord<T>[];
  }

  /** The next offset to be written, per partition (Kafka's high watermark). */
  endOffsets(topic: string): number[] {
    return this.log(topic).map((p) => p.base + p.records.length);
  }

  /**
   * Calls `handler` with every new record of `topic` (and, with fromBeginning, the retained
   * past first). Returns an unsubscribe function.
   */
  subscribe<T>(topic: string, handler: BusHandler<T>, opts: { fromBeginning?: boolean } = {}): () => void {
    const sub = { handler: handler as BusHandler<unknown>, chain: Promise.resolve() };
    if (opts.fromBeginning) {
      const past = this.log(topic).flatMap((p) => p.records);
      if (past.length > 0) sub.chain = sub.chain.then(() => handler(past as BusRecord<T>[])).catch(() => undefined);
    }
    let set = this.subscribers.get(topic);
    if (!set) this.subscribers.set(topic, (set = new Set()));
    set.add(sub);
    return () => set.delete(sub);
  }

  /** Resolves once every subscriber has handled everything delivered so far. */
  async drain(): Promise<void> {
    for (const set of this.subscribers.values()) await Promise.all([...set].map((s) => s.chain));
  }

  eventSink(): EventSink {
    return {
      send: async (events: readonly HerdEvent[]) => {
        this.produce(this.topics.events, events.map((e) => ({ key: eventKey(e), value: e })));
      },
    };
  }

  alertSink(): AlertSink {
    return {
      sendAlerts: async (transitions: readonly Transition[]) => {
        this.produce(this.topics.alerts, transitions.map((t) => ({ key: t.id, value: t })));
      },
      sendTrends: async (snapshot: TrendingSnapshot) => {
        this.produce(this.topics.trends, [{ key: snapshot.ruleUid, value: snapshot }]);
      },
    };
  }
}
