import type { Kafka, Message, Producer } from 'kafkajs';
import { HwError } from '../errors.js';
import type { HerdEvent } from '../events/schema.js';
import { encodeEvent } from './codec.js';
import { idempotentProducer } from './producer.js';
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
}

interface Pending {
  readonly messages: Message[];
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
 * Concurrent calls are coalesced: while one produce request is in flight, the next calls
 * queue and go out together as one request (Nagle-style, no timer), so many small HTTP
 * requests still make large Kafka batches. The queue is bounded: when the broker is slow
 * or away, callers are refused quickly instead of piling up memory.
 */
export class KafkaEventSink implements EventSink {
  private readonly producer: Producer;
  private readonly topic: string;
  private readonly sendTimeoutMs: number;
  private readonly maxPendingEvents: number;
  private readonly maxBatchMessages: number;
  private queue: Pending[] = [];
  private pendingEvents = 0;
  private inFlight = false;
  private connected: Promise<void> | undefined;
  private closed = false;

  constructor(kafka: Kafka, opts: KafkaEventSinkOptions) {
    this.topic = opts.topic;
    this.sendTimeoutMs = opts.sendTimeoutMs ?? 3000;
    this.maxPendingEvents = opts.maxPendingEvents ?? 200_000;
    this.maxBatchMessages = opts.maxBatchMessages ?? 500;
    // Retries are unlimited (kafkajs's rule for idempotence); send() callers are bounded by sendTimeoutMs.
    this.producer = idempotentProducer(kafka);
  }

  /** Events accepted by send() and not yet acknowledged or refused. */
  get pending(): number {
    return this.pendingEvents;
  }

  connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((err: unknown) => {
      this.connected = undefined;
      throw err;
    });
    return this.connected;
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
      const headers = traceHeaders();
      const p: Pending = { messages: events.map((e) => encodeEvent(e, headers)), resolve, reject, settled: false };
      p.timer = setTimeout(() => {
        this.settle(p, new HwError('HW_ERR_KAFKA', { message: `Kafka did not acknowledge within ${this.sendTimeoutMs} ms` }));
        // Not yet handed to the producer: drop it, so a refused event is never written later.
        const i = this.queue.indexOf(p);
        if (i >= 0) this.queue.splice(i, 1);
      }, this.sendTimeoutMs);
      this.queue.push(p);
      this.pendingEvents += p.messages.length;
      void this.pump();
    });
  }

  private settle(p: Pending, err?: unknown): void {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    this.pendingEvents -= p.messages.length;
    if (err === undefined) p.resolve();
    else p.reject(err);
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let n = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (batch.length > 0 && n + next.messages.length > this.maxBatchMessages) break;
      this.queue.shift();
      if (next.settled) continue;
      batch.push(next);
      n += next.messages.length;
    }
    return batch;
  }

  private async pump(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      while (this.queue.length > 0) {
        try {
          await this.connect();
        } catch (err) {
          for (const p of this.takeBatch()) this.settle(p, kafkaError('cannot connect to Kafka', err));
          continue;
        }
        const batch = this.takeBatch();
        if (batch.length === 0) continue;
        const messages = batch.length === 1 ? batch[0]!.messages : batch.flatMap((p) => p.messages);
        try {
          await this.producer.send({ topic: this.topic, messages, acks: -1 });
          for (const p of batch) this.settle(p);
        } catch (err) {
          for (const p of batch) this.settle(p, kafkaError('Kafka did not accept the events', err));
        }
      }
    } finally {
      this.inFlight = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) this.settle(p, new HwError('HW_ERR_KAFKA', { message: 'event sink closed before the events were sent' }));
    await this.producer.disconnect();
  }
}

export function kafkaError(what: string, err: unknown): HwError {
  return new HwError('HW_ERR_KAFKA', { message: `${what}: ${(err as Error)?.message ?? String(err)}`, cause: err });
}
