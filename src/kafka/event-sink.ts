import type { IHeaders, Kafka } from 'kafkajs';
import { HwError } from '../errors.js';
import type { HerdEvent } from '../events/schema.js';
import { encodeEvent, encodeEventsRecord, eventKey } from './codec.js';
import { keyPartitioner } from './partition-of.js';
import { kafkajsRecordProducer, type OutRecord, type RecordProducer } from './record-producer.js';
import { sendWhileTransient } from './retry.js';
import { traceHeaders } from './trace.js';
import type { EventSink } from '../bus/types.js';

export interface KafkaEventSinkOptions {
  readonly topic: string;
  /** How long a caller waits for the broker's acknowledgement before it gets HW_ERR_KAFKA. */
  readonly sendTimeoutMs?: number;
  /** Events waiting or in flight beyond which new sends are refused at once (HW_ERR_BACKPRESSURE). */
  readonly maxPendingEvents?: number;
  /**
   * Largest number of messages in one produce request. Small on purpose: kafkajs groups a
   * request's messages by partition in quadratic time, so 10k-message requests are slower
   * than twenty of 500 (the round trips on a LAN cost less).
   */
  readonly maxBatchMessages?: number;
  /**
   * Pack the events of one partition into one HWB1 record (docs/kafka-format.md), default on.
   * Per-record encoding and batching dominated the API's CPU; off writes one JSON record per
   * event (for readers that understand only JSON, and as the benchmark's old path).
   */
  readonly pack?: boolean;
  /** Most events in one packed record (a record stays well under the broker's 1 MB limit). */
  readonly maxEventsPerRecord?: number;
  /** Another client behind the same seam (ADR 0009); default kafkajs on `kafka`. */
  readonly producer?: RecordProducer;
  /**
   * Idempotent producers sending at once, default 3 (1 with `producer`). Each keeps its own
   * sequence numbers and one request in flight (kafkajs's rule for idempotence), so N of them
   * put N produce requests in flight: the sink is otherwise bound by one broker round trip
   * per batch. A request's events stay in one record per partition either way; the order of
   * events between concurrent requests was never defined (the engine orders by event time).
   */
  readonly producers?: number;
}

interface Pending {
  readonly events: readonly HerdEvent[];
  readonly headers: IHeaders | undefined;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  settled: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * Produces events to the events topic with an idempotent producer and acks from all
 * in-sync replicas. `send()` resolves only after the broker acknowledged every event of
 * the call, which is what lets the API promise that a 2xx means "not lost".
 *
 * Concurrent calls are coalesced: while every producer has a request in flight (three
 * idempotent producers by default, each with one), the next calls queue and go out
 * together as one request (Nagle-style, no timer), so many small HTTP requests still make
 * large Kafka batches. The queue is bounded: when the broker is slow
 * or away, callers are refused quickly instead of piling up memory.
 */
export class KafkaEventSink implements EventSink {
  private readonly producers: RecordProducer[];
  private readonly idle: RecordProducer[];
  private readonly topic: string;
  private readonly sendTimeoutMs: number;
  private readonly maxPendingEvents: number;
  private readonly maxBatchMessages: number;
  private readonly pack: boolean;
  private readonly maxEventsPerRecord: number;
  private partitionOf: ((key: string) => number) | undefined;
  private queue: Pending[] = [];
  private pendingEvents = 0;
  private connected: Promise<void> | undefined;
  private closed = false;

  constructor(kafka: Kafka, opts: KafkaEventSinkOptions) {
    this.topic = opts.topic;
    this.sendTimeoutMs = opts.sendTimeoutMs ?? 3000;
    this.maxPendingEvents = opts.maxPendingEvents ?? 200_000;
    this.pack = opts.pack ?? true;
    this.maxEventsPerRecord = opts.maxEventsPerRecord ?? 2000;
    // Packed, a batch of 500 records carries up to a million events; bound it by events too.
    this.maxBatchMessages = opts.maxBatchMessages ?? (this.pack ? 20_000 : 500);
    // Retries are unlimited (kafkajs's rule for idempotence); send() callers are bounded by sendTimeoutMs.
    this.producers = opts.producer ? [opts.producer] : Array.from({ length: Math.max(1, opts.producers ?? 3) }, () => kafkajsRecordProducer(kafka));
    this.idle = [...this.producers];
  }

  /** Events accepted by send() and not yet acknowledged or refused. */
  get pending(): number {
    return this.pendingEvents;
  }

  connect(): Promise<void> {
    this.connected ??= Promise.all([...this.producers.map((p) => p.connect()), this.pack ? this.loadPartitions() : undefined]).then(() => undefined, (err: unknown) => {
      this.connected = undefined;
      throw err;
    });
    return this.connected;
  }

  /** Packing needs the topic's partition count, to group events where their keys land. */
  private async loadPartitions(): Promise<void> {
    const n = await this.producers[0]!.partitions(this.topic);
    if (n < 1) throw new HwError('HW_ERR_KAFKA', { message: `topic ${this.topic} has no partitions` });
    this.partitionOf = keyPartitioner(n);
  }

  /** A batch of sends → records: packed per (partition, trace headers), or one JSON record per event. */
  private records(batch: readonly Pending[]): OutRecord[] {
    const partitionOf = this.partitionOf;
    if (!this.pack || partitionOf === undefined) {
      const out: OutRecord[] = [];
      for (const p of batch) for (const e of p.events) out.push(encodeEvent(e, p.headers) as OutRecord);
      return out;
    }
    // Sends without trace context pack together; a traced send keeps its own records and headers.
    const groups = new Map<IHeaders | undefined, Map<number, HerdEvent[]>>();
    for (const p of batch) {
      let byPartition = groups.get(p.headers);
      if (!byPartition) groups.set(p.headers, (byPartition = new Map()));
      for (const e of p.events) {
        const partition = partitionOf(eventKey(e));
        const list = byPartition.get(partition);
        if (list) list.push(e);
        else byPartition.set(partition, [e]);
      }
    }
    const out: OutRecord[] = [];
    for (const [headers, byPartition] of groups) {
      for (const [partition, events] of byPartition) {
        for (let i = 0; i < events.length; i += this.maxEventsPerRecord) {
          out.push({ ...encodeEventsRecord(events.slice(i, i + this.maxEventsPerRecord), headers), partition } as OutRecord);
        }
      }
    }
    return out;
  }

  send(events: readonly HerdEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new HwError('HW_ERR_KAFKA', { message: 'event sink is closed' }));
    if (this.pendingEvents + events.length > this.maxPendingEvents) {
      return Promise.reject(new HwError('HW_ERR_BACKPRESSURE', {
        message: `${this.pendingEvents} events are waiting for Kafka; retry later`, expected: `at most ${this.maxPendingEvents} pending events`,
      }));
    }
    return new Promise<void>((resolve, reject) => {
      const p: Pending = { events, headers: traceHeaders(), resolve, reject, settled: false };
      p.timer = setTimeout(() => {
        this.settle(p, new HwError('HW_ERR_KAFKA', { message: `Kafka did not acknowledge within ${this.sendTimeoutMs} ms` }));
        // Not yet handed to the producer: drop it, so a refused event is never written later.
        const i = this.queue.indexOf(p);
        if (i >= 0) this.queue.splice(i, 1);
      }, this.sendTimeoutMs);
      this.queue.push(p);
      this.pendingEvents += p.events.length;
      void this.pump();
    });
  }

  private settle(p: Pending, err?: unknown): void {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    this.pendingEvents -= p.events.length;
    if (err === undefined) p.resolve();
    else p.reject(err);
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let n = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (batch.length > 0 && n + next.events.length > this.maxBatchMessages) break;
      this.queue.shift();
      if (next.settled) continue;
      batch.push(next);
      n += next.events.length;
    }
    return batch;
  }

  /** Hands queued sends to idle producers, one batch each, until the queue or the idle producers run out. */
  private async pump(): Promise<void> {
    while (this.queue.length > 0 && this.idle.length > 0) {
      const producer = this.idle.pop()!;
      let batch: Pending[] = [];
      try {
        await this.connect();
        batch = this.takeBatch();
      } catch (err) {
        for (const p of this.takeBatch()) this.settle(p, kafkaError('cannot connect to Kafka', err));
      }
      if (batch.length === 0) this.idle.push(producer);
      else void this.sendBatch(producer, batch);
    }
  }

  private async sendBatch(producer: RecordProducer, batch: readonly Pending[]): Promise<void> {
    const waiting = () => batch.filter((p) => !p.settled);
    try {
      // A transient failure (no leader for a moment, a broker reconnecting) is sent again for the
      // callers still waiting; their send timeout bounds it. A caller already refused is not sent for.
      await sendWhileTransient(async () => {
        const live = waiting();
        if (live.length > 0) await producer.send(this.topic, this.records(live));
      }, () => !this.closed && waiting().length > 0);
      for (const p of batch) this.settle(p);
    } catch (err) {
      for (const p of batch) this.settle(p, kafkaError('Kafka did not accept the events', err));
    } finally {
      this.idle.push(producer);
      void this.pump();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) this.settle(p, new HwError('HW_ERR_KAFKA', { message: 'event sink closed before the events were sent' }));
    await Promise.all(this.producers.map((p) => p.disconnect()));
  }
}

export function kafkaError(what: string, err: unknown): HwError {
  return new HwError('HW_ERR_KAFKA', { message: `${what}: ${(err as Error)?.message ?? String(err)}`, cause: err });
}
