import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';

/**
 * Just enough of kafkajs for the detector runtime's unit tests: the test delivers batches
 * and decides when (and whether) each broker call answers, so races between a batch, a
 * failed publish and a rebalance can be replayed exactly. The real broker runs in
 * test/kafka/*.int.test.ts; this is for interleavings a broker cannot be made to repeat.
 */
export class Gate<T = void> {
  private waiting: { resolve: (v: T) => void; reject: (e: unknown) => void }[] = [];
  /** When set, calls wait for open()/fail(); otherwise they answer at once. */
  closed = false;

  wait(value: () => T): Promise<T> {
    if (!this.closed) return Promise.resolve(value());
    return new Promise<T>((resolve, reject) => this.waiting.push({ resolve: () => resolve(value()), reject }));
  }

  get pending(): number {
    return this.waiting.length;
  }

  open(): void {
    this.closed = false;
    for (const w of this.waiting.splice(0)) w.resolve(undefined as T);
  }

  fail(err: Error): void {
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
}

export class FakeKafka {
  readonly events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash', STOP: 'consumer.stop' } as const;
  private readonly handlers = new Map<string, ((e: { payload: unknown }) => void)[]>();
  eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  readonly seeks: { partition: number; offset: number }[] = [];
  readonly commits: { partition: number; offset: number }[] = [];
  readonly sent: { topic: string; key: string | null; value: string | null }[] = [];
  /** Committed offsets as the broker has them (commits land here). */
  readonly committed = new Map<number, number>();
  heartbeats = 0;
  rebalancing = false;
  /** The next `failSends` publishes fail (a broker error after kafkajs's own retries). */
  failSends = 0;
  /** The next `failCommits` offset commits fail (a broker that stalled). */
  failCommits = 0;
  /**
   * The group evicted this member and kafkajs does not rejoin (its member id cleared, so it never
   * heartbeats): every commit fails with UNKNOWN_MEMBER_ID until the consumer is stopped and run again.
   */
  memberGone = false;
  /** consumer.stop() calls, and the partitions a run after a stop is assigned (the group rejoined). */
  stops = 0;
  private lastJoin: { partitions: number[]; topic: string } | undefined;
  readonly sendGate = new Gate();
  readonly committedGate = new Gate();
  readonly timestampGate = new Gate();
  readonly offsetsByTimestamp = new Map<number, number>();
  readonly high = new Map<number, number>();
  readonly producerOptions: unknown[] = [];

  asKafka(): Kafka {
    const consumer = {
      events: this.events,
      on: (event: string, fn: (e: { payload: unknown }) => void) => {
        this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
      },
      connect: async () => undefined,
      subscribe: async () => undefined,
      run: async (o: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
        this.eachBatch = o.eachBatch;
        if (this.stops > 0 && this.lastJoin) this.join(this.lastJoin.partitions, this.lastJoin.topic);
      },
      stop: async () => {
        this.stops++;
        this.memberGone = false;
        for (const fn of this.handlers.get(this.events.STOP) ?? []) fn({ payload: {} });
      },
      seek: ({ partition, offset }: { partition: number; offset: string }) => {
        this.seeks.push({ partition, offset: Number(offset) });
      },
      commitOffsets: async (offsets: { partition: number; offset: string }[]) => {
        // As kafkajs throws it: the broker's error wrapped by its retrier.
        if (this.memberGone) throw Object.assign(new Error('The coordinator is not aware of this member'), { cause: Object.assign(new Error('The coordinator is not aware of this member'), { type: 'UNKNOWN_MEMBER_ID', retriable: false }) });
        if (this.failCommits > 0) {
          this.failCommits--;
          throw new Error('The request timed out');
        }
        for (const o of offsets) {
          this.commits.push({ partition: o.partition, offset: Number(o.offset) });
          this.committed.set(o.partition, Number(o.offset));
        }
      },
      pause: () => undefined,
      disconnect: async () => undefined,
    };
    const admin = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchTopicOffsetsByTimestamp: () => this.timestampGate.wait(() => [...this.offsetsByTimestamp].map(([partition, offset]) => ({ partition, offset: String(offset) }))),
      fetchOffsets: () => this.committedGate.wait(() => [{ topic: 't', partitions: [...this.committed].map(([partition, offset]) => ({ partition, offset: String(offset) })) }]),
      fetchTopicOffsets: async () => [...this.high].map(([partition, h]) => ({ partition, offset: String(h), high: String(h), low: '0' })),
    };
    const producer = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendBatch: ({ topicMessages }: { topicMessages: { topic: string; messages: { key?: unknown; value: unknown }[] }[] }) => this.sendGate.wait(() => {
        if (this.failSends > 0) {
          this.failSends--;
          throw new Error('broker went away');
        }
        for (const t of topicMessages) {
          for (const m of t.messages) this.sent.push({ topic: t.topic, key: m.key === null || m.key === undefined ? null : String(m.key), value: m.value === null || m.value === undefined ? null : String(m.value) });
        }
      }),
    };
    return {
      consumer: () => consumer,
      admin: () => admin,
      producer: (o: unknown) => {
        this.producerOptions.push(o);
        return producer;
      },
    } as unknown as Kafka;
  }

  join(partitions: number[], topic: string): void {
    this.lastJoin = { partitions, topic };
    for (const fn of this.handlers.get(this.events.GROUP_JOIN) ?? []) fn({ payload: { memberAssignment: { [topic]: partitions } } });
  }

  /** kafkajs handing a fetched batch to eachBatch; resolves when eachBatch returns. */
  deliver(partition: number, messages: KafkaMessage[], opts: { stale?: boolean } = {}): Promise<void> {
    const last = Number(messages[messages.length - 1]?.offset ?? -1);
    this.high.set(partition, Math.max(this.high.get(partition) ?? 0, last + 1));
    return this.eachBatch!({
      batch: { topic: 't', partition, messages, highWatermark: String(this.high.get(partition)) },
      resolveOffset: () => undefined,
      heartbeat: async () => {
        this.heartbeats++;
        if (this.rebalancing) throw Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS' });
      },
      isRunning: () => true,
      isStale: () => opts.stale === true,
    } as unknown as EachBatchPayload);
  }
}

export function message(offset: number, value: string | Buffer, key = 'k'): KafkaMessage {
  return { offset: String(offset), key: Buffer.from(key), value: typeof value === 'string' ? Buffer.from(value) : value, timestamp: '0', attributes: 0, headers: {} } as KafkaMessage;
}
