import type { CompiledRule, EngineStats, Transition } from '../../engine/types.js';
import type { HerdEvent } from '../../events/schema.js';
import { decodeEvents, type MalformedReason, type PartitionTrends } from '../../kafka/codec.js';
import { DEFAULT_MAX_FUTURE_SKEW_MS } from '../../config/future-skew.js';
import { PartitionEngine } from './partition.js';

/** One fetched batch of one partition, as the engines need it: raw values and their offsets. */
export interface BatchInput {
  readonly partition: number;
  readonly values: readonly (Buffer | null)[];
  readonly offsets: readonly number[];
  /** The records' Kafka timestamps (ms): a JSON event further ahead than the allowed skew is malformed. */
  readonly timestamps: readonly number[];
  readonly last: number;
  readonly now: number;
  /** Key of the first message, to check (sampled) that the topic is keyed by the rule key. */
  readonly firstKey: string | null;
}

export interface BatchOutput {
  readonly transitions: Transition[];
  readonly trends?: PartitionTrends;
  readonly replayed: number;
  readonly malformed: { index: number; reason: MalformedReason; message: string }[];
  readonly keyMismatch: boolean;
  readonly stats: EngineStats;
  readonly decodeMs: number;
  readonly engineMs: number;
}

export interface TickOutput {
  readonly transitions: Transition[];
  readonly trends: PartitionTrends[];
}

/**
 * Where the partition engines live: in this thread, or in a worker thread so decoding and
 * evaluation run beside kafkajs fetching. Calls for one partition are handled in order.
 */
export interface EngineHost {
  open(partition: number, liveFrom: number, startOffset: number, now: number): void;
  drop(partition: number): void;
  evaluate(input: BatchInput): Promise<BatchOutput>;
  tick(partitions: readonly number[], now: number): Promise<TickOutput>;
  close(): Promise<void>;
}

/** The engines of one member, by partition; shared by the in-thread host and the worker. */
export interface EngineHostOptions {
  /** How far a JSON event's time may be ahead of its record's timestamp (default 5 min). */
  readonly futureSkewMs?: number;
}

export class PartitionEngines {
  private readonly engines = new Map<number, PartitionEngine>();
  private readonly futureSkewMs: number;

  constructor(private readonly rule: CompiledRule, opts: EngineHostOptions = {}) {
    this.futureSkewMs = opts.futureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS;
  }

  open(partition: number, liveFrom: number, startOffset: number, now: number): void {
    this.engines.set(partition, new PartitionEngine(this.rule, { partition, liveFrom, startOffset, now }));
  }

  drop(partition: number): void {
    this.engines.delete(partition);
  }

  evaluate(input: BatchInput): BatchOutput {
    const engine = this.engines.get(input.partition);
    if (!engine) throw new Error(`partition ${input.partition} is not open`);
    const t0 = performance.now();
    const events: HerdEvent[] = [];
    const malformed: BatchOutput['malformed'][number][] = [];
    let replay = 0;
    let lastOffset = -1;
    for (let i = 0; i < input.values.length; i++) {
      const offset = input.offsets[i]!;
      if (offset < engine.nextOffset) continue;
      // One value holds one JSON event or an HWB1 batch; all of a record's events share its offset.
      // A record without a timestamp (-1, old message formats) bounds nothing.
      const recordTs = input.timestamps[i]!;
      const before = events.length;
      const d = decodeEvents(input.values[i] ?? null, events, recordTs > 0 ? recordTs + this.futureSkewMs : Number.POSITIVE_INFINITY);
      if (!d.ok) malformed.push({ index: i, reason: d.reason, message: d.message });
      else if (offset < engine.liveFrom) replay = events.length;
      if (events.length > before) lastOffset = offset;
    }
    const first = events[0] as unknown as Record<string, unknown> | undefined;
    const want = first ? first[this.rule.key] ?? (first.attrs as Record<string, unknown> | undefined)?.[this.rule.key] : undefined;
    const keyMismatch = want !== undefined && input.firstKey !== null && input.firstKey !== String(want);
    const t1 = performance.now();
    const { transitions, replayed } = engine.ingestEvents(events, replay, lastOffset, input.now);
    engine.skipTo(input.last + 1);
    const trends = engine.replaying ? undefined : engine.trendsIfChanged(this.rule.detector.topK);
    const t2 = performance.now();
    return { transitions, ...(trends ? { trends } : {}), replayed, malformed, keyMismatch, stats: engine.stats(), decodeMs: t1 - t0, engineMs: t2 - t1 };
  }

  tick(partitions: readonly number[], now: number): TickOutput {
    const transitions: Transition[] = [];
    const trends: PartitionTrends[] = [];
    for (const p of partitions) {
      const engine = this.engines.get(p);
      if (!engine || engine.replaying) continue;
      transitions.push(...engine.tick(now));
      const t = engine.trendsIfChanged(this.rule.detector.topK);
      if (t) trends.push(t);
    }
    return { transitions, trends };
  }
}

export class InlineEngineHost implements EngineHost {
  private readonly engines: PartitionEngines;

  constructor(rule: CompiledRule, opts: EngineHostOptions = {}) {
    this.engines = new PartitionEngines(rule, opts);
  }

  open(partition: number, liveFrom: number, startOffset: number, now: number): void {
    this.engines.open(partition, liveFrom, startOffset, now);
  }

  drop(partition: number): void {
    this.engines.drop(partition);
  }

  async evaluate(input: BatchInput): Promise<BatchOutput> {
    return this.engines.evaluate(input);
  }

  async tick(partitions: readonly number[], now: number): Promise<TickOutput> {
    return this.engines.tick(partitions, now);
  }

  async close(): Promise<void> {}
}
