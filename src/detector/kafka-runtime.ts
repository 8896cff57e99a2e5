import type { Admin, Consumer, EachBatchPayload, KafkaMessage, Message, TopicMessages } from 'kafkajs';
import type { Transition } from '../engine/types.js';
import type { HerdEvent } from '../events/schema.js';
import { KafkaAlertSink } from '../kafka/alert-sink.js';
import { decodeEvent, type PartitionTrends } from '../kafka/codec.js';
import { retrying } from '../kafka/retry.js';
import { createDetectorMetrics, type DetectorMetrics } from '../metrics/detector.js';
import { createKafkaDetectorMetrics, type KafkaDetectorMetrics } from './kafka-metrics.js';
import { deadLetter, defaultReplayMs, detectorGroupId, type KafkaDetectorOptions } from './kafka-options.js';
import { PartitionEngine } from './kafka-partition.js';
import { ReadinessTracker } from './kafka-readiness.js';

export { defaultReplayMs, detectorGroupId, type KafkaDetectorOptions } from './kafka-options.js';

/**
 * `herdwatch detector --rule ns/name` on Kafka: one consumer group per rule, one engine per
 * assigned partition. A partition seen for the first time since assignment is rebuilt by
 * seeking back `replayMs` and replaying silently up to where the group had committed; only
 * then does it alert. Transitions and trends are published (and acknowledged) before the
 * batch's offsets are committed, so a crash repeats work but never loses an alert; the
 * repeats carry the same ids, which downstream readers dedupe on (id, state).
 */
export class KafkaDetector {
  readonly groupId: string;
  private readonly o: KafkaDetectorOptions;
  private readonly source: string;
  private readonly label: string;
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly sink: KafkaAlertSink;
  private readonly metrics: DetectorMetrics;
  private readonly km: KafkaDetectorMetrics;
  private readonly readiness: ReadinessTracker;
  private readonly parts = new Map<number, PartitionEngine>();
  private lock: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private crashed: Error | undefined;
  private queued = 0;
  /** Resolved whenever a queued batch finishes; waiters re-check their condition. */
  private waiters: (() => void)[] = [];
  private running = false;
  private warnedKeys = false;
  /** Where batch time goes (ms, cumulative): for benchmarks and /status. */
  private readonly spent = { batches: 0, decode: 0, engine: 0, publish: 0, commit: 0 };

  constructor(opts: KafkaDetectorOptions) {
    this.o = opts;
    this.source = opts.sourceTopic ?? opts.topics.events;
    this.label = `${opts.rule.namespace}/${opts.rule.name}`;
    this.groupId = opts.groupId ?? detectorGroupId(opts.rule);
    this.consumer = opts.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      rebalanceTimeout: 20_000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 100,
    });
    this.admin = opts.kafka.admin();
    this.sink = new KafkaAlertSink(opts.kafka, opts.topics);
    this.metrics = opts.metrics ?? createDetectorMetrics(opts.registry);
    this.km = createKafkaDetectorMetrics(opts.registry);
    this.readiness = new ReadinessTracker(this.admin, this.groupId, this.source, opts.startFrom ?? 'latest');
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
    if (this.o.log) this.o.log(level, msg, fields);
    else process.stderr.write(`${JSON.stringify({ level, component: 'detector', rule: this.label, msg, ...fields })}\n`);
  }

  /** Serialises batches and idle ticks: both touch the same partition engines. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.lock.then(work, work);
    this.lock = next.catch(() => undefined);
    return next;
  }

  async start(): Promise<void> {
    const { GROUP_JOIN, CRASH, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      const mine = new Set(payload.memberAssignment[this.source] ?? []);
      // Revoked partitions: their state goes (what was processed is already committed).
      for (const p of [...this.parts.keys()]) if (!mine.has(p)) this.parts.delete(p);
      // Partitions still replaying lose their uncommitted position on a rejoin: rebuild them.
      for (const [p, s] of this.parts) if (s.replaying) this.parts.delete(p);
      this.km.rebalances.inc({ rule: this.label });
      this.km.assignedPartitions.set({ rule: this.label }, mine.size);
      this.readiness.assigned([...mine]);
      this.log('info', 'partitions assigned', { partitions: [...mine].sort((a, b) => a - b) });
    });
    this.consumer.on(CRASH, ({ payload }) => {
      this.parts.clear();
      this.crashed = payload.restart ? undefined : payload.error;
      this.log('error', 'consumer crashed', { error: payload.error.message, restart: payload.restart });
    });
    this.consumer.on(STOP, () => {
      this.running = false;
    });
    await this.admin.connect();
    await this.sink.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.source], fromBeginning: this.o.startFrom === 'earliest' });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
    const tickMs = this.o.tickMs ?? 1000;
    this.timer = setInterval(() => void this.serial(() => this.onTick()).catch((err: unknown) => {
      this.log('warn', 'idle tick failed', { error: (err as Error).message });
    }), tickMs);
    this.timer.unref();
  }

  private async replayStart(partition: number, liveFrom: number): Promise<number> {
    const replayMs = this.o.replayMs ?? defaultReplayMs(this.o.rule);
    if (replayMs <= 0) return liveFrom;
    const at0 = this.now() - replayMs;
    const offsets = await retrying(() => this.admin.fetchTopicOffsetsByTimestamp(this.source, at0));
    const at = offsets.find((o) => o.partition === partition);
    return at ? Math.min(Number(at.offset), liveFrom) : liveFrom;
  }

  /**
   * Intake, called by kafkajs per fetched batch. It only places the batch in the queue and
   * moves the fetch position on, so Kafka fetches the next batch while this one is being
   * evaluated; offsets are committed later, by `process`, once the results are published.
   */
  private async onBatch({ batch, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const p = batch.partition;
    const first = Number(batch.messages[0]!.offset);
    let state = this.parts.get(p);
    if (state && first > state.fetchedTo) {
      // The fetch position moved past us (a rejoin during replay): start this partition over.
      this.parts.delete(p);
      state = undefined;
    }
    if (!state) {
      // First batch since assignment: it starts where the group left off.
      const from = await this.replayStart(p, first);
      state = new PartitionEngine(this.o.rule, { partition: p, liveFrom: first, startOffset: from, now: this.now(), metrics: this.metrics });
      this.parts.set(p, state);
      if (from < first) {
        this.log('info', 'rebuilding partition state', { partition: p, from, liveFrom: first });
        this.consumer.seek({ topic: this.source, partition: p, offset: String(from) });
        return;
      }
    }
    const messages = first < state.fetchedTo ? batch.messages.filter((m) => Number(m.offset) >= state.fetchedTo) : batch.messages;
    if (messages.length === 0) return;
    const last = Number(messages[messages.length - 1]!.offset);
    state.fetchedTo = last + 1;
    resolveOffset(String(last));
    this.queued++;
    const job = { state, messages, last, high: Number(batch.highWatermark) };
    void this.serial(() => this.process(job)).catch((err: unknown) => this.log('error', 'batch failed', { partition: p, error: (err as Error).message }))
      .finally(() => {
        this.queued--;
        for (const w of this.waiters.splice(0)) w();
      });
    // Bounded read-ahead: at most `maxQueued` batches wait for evaluation.
    while (this.queued >= (this.o.maxQueuedBatches ?? 12)) await this.batchDone();
  }

  private batchDone(): Promise<void> {
    return new Promise<void>((r) => this.waiters.push(r));
  }

  /** Decode, evaluate, publish, commit: one batch, in order, under the lock. */
  private async process(job: { state: PartitionEngine; messages: KafkaMessage[]; last: number; high: number }): Promise<void> {
    const { state, messages, last } = job;
    const p = state.partition;
    if (this.parts.get(p) !== state) return; // revoked or being rebuilt since it was fetched
    const t0 = performance.now();
    const records: { offset: number; event: HerdEvent }[] = [];
    const dead: Message[] = [];
    for (const m of messages) {
      const offset = Number(m.offset);
      if (offset < state.nextOffset) continue;
      const d = decodeEvent(m.value);
      if (!d.ok) {
        this.km.malformed.inc({ rule: this.label, reason: d.reason });
        if (this.o.deadLetterTopic) dead.push(deadLetter(m, this.source, p, d.reason, d.message));
        continue;
      }
      records.push({ offset, event: d.value });
    }
    if (messages.length > 0) this.checkKey(messages[0]!.key, records[0]?.event);
    const t1 = performance.now();
    const { transitions, replayed } = state.ingest(records, this.now());
    state.skipTo(last + 1);
    if (replayed > 0) this.km.replayedEvents.inc({ rule: this.label }, replayed);
    const trends = state.replaying ? [] : [state.trendsIfChanged(this.o.rule.detector.topK)].filter((t): t is PartitionTrends => t !== undefined);
    const extra: TopicMessages[] = dead.length > 0 && this.o.deadLetterTopic ? [{ topic: this.o.deadLetterTopic, messages: dead }] : [];
    const t2 = performance.now();
    try {
      await this.sink.publish(transitions, trends, extra);
    } catch (err) {
      await this.recover(p, err);
      return;
    }
    const t3 = performance.now();
    if (last >= state.liveFrom) {
      try {
        await this.consumer.commitOffsets([{ topic: this.source, partition: p, offset: String(last + 1) }]);
      } catch (err) {
        // Usually a rebalance: the partition's next owner replays from the last commit (repeats dedupe downstream).
        this.log('warn', 'commit failed', { partition: p, error: (err as Error).message });
      }
    }
    const t4 = performance.now();
    this.readiness.progress(p, state.replaying ? -1 : last + 1, job.high);
    this.updateGauges();
    this.spent.batches++;
    this.spent.decode += t1 - t0;
    this.spent.engine += t2 - t1;
    this.spent.publish += t3 - t2;
    this.spent.commit += t4 - t3;
    this.km.batchDuration.observe({ rule: this.label }, (t4 - t0) / 1000);
  }

  /** Publishing failed: the engine already moved on, so drop it and reprocess from the last commit. */
  private async recover(partition: number, err: unknown): Promise<void> {
    this.km.publishFailures.inc({ rule: this.label });
    this.log('warn', 'publish failed; rebuilding the partition from its last commit', { partition, error: (err as Error).message });
    this.parts.delete(partition);
    const committed = await this.readiness.committed(partition).catch(() => undefined);
    if (committed !== undefined && committed >= 0) this.consumer.seek({ topic: this.source, partition, offset: String(committed) });
    await new Promise((r) => setTimeout(r, 1000));
  }

  /** Sampled (one message per batch): a topic keyed by another field breaks partition-local state. */
  private checkKey(key: Buffer | null, e: HerdEvent | undefined): void {
    if (!e) return;
    const want = (e as unknown as Record<string, unknown>)[this.o.rule.key] ?? e.attrs?.[this.o.rule.key];
    if (want === undefined || key === null || key.toString('utf8') === String(want)) return;
    this.km.keyMismatch.inc({ rule: this.label });
    if (!this.warnedKeys) {
      this.warnedKeys = true;
      this.log('warn', `messages on ${this.source} are not keyed by the rule key "${this.o.rule.key}"; state is partition-local, so results depend on partitioning`);
    }
  }

  private async onTick(): Promise<void> {
    if (!this.running) return;
    await this.readiness.refresh(this.parts);
    this.km.lag.set({ rule: this.label }, this.readiness.lag);
    const idle = this.o.idleAdvanceMs ?? 5000;
    if (idle <= 0) return;
    const now = this.now();
    const transitions: Transition[] = [];
    const trends: PartitionTrends[] = [];
    for (const s of this.parts.values()) {
      if (s.replaying || now - s.lastMessageWall < idle || !this.readiness.caughtUp(s.partition)) continue;
      transitions.push(...s.tick(now));
      const t = s.trendsIfChanged(this.o.rule.detector.topK);
      if (t) trends.push(t);
    }
    await this.sink.publish(transitions, trends);
  }

  private updateGauges(): void {
    let keys = 0;
    let bytes = 0;
    for (const s of this.parts.values()) {
      const st = s.stats();
      keys += st.keys;
      bytes += st.stateBytes;
    }
    this.metrics.keys.set({ rule: this.label }, keys);
    this.metrics.stateBytes.set({ rule: this.label }, bytes);
  }

  /** Cumulative time spent per step of batch processing, ms. */
  profile(): { batches: number; decode: number; engine: number; publish: number; commit: number } {
    return { ...this.spent };
  }

  /** Events processed (offsets passed) on the partitions this member holds now. */
  processedOffsets(): number {
    let n = 0;
    for (const s of this.parts.values()) n += s.nextOffset;
    return n;
  }

  /** Alive: the consumer has not crashed for good. */
  healthy(): boolean {
    return this.crashed === undefined;
  }

  /** Ready: every assigned partition caught up since the last assignment. */
  ready(): boolean {
    return this.running && this.healthy() && this.readiness.ready;
  }

  status(): Record<string, unknown> {
    return {
      rule: this.label, groupId: this.groupId, topic: this.source, running: this.running, ready: this.ready(), lag: this.readiness.lag,
      spentMs: this.profile(),
      partitions: [...this.parts.values()].map((s) => ({ partition: s.partition, nextOffset: s.nextOffset, liveFrom: s.liveFrom, replaying: s.replaying })),
    };
  }

  /** Graceful: finish the batch in hand (it commits), leave the group, close the producers. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // Fetch nothing more, let the queued batches publish and commit, then leave the group.
    this.consumer.pause([{ topic: this.source }]);
    while (this.queued > 0) await this.batchDone();
    await this.lock;
    this.running = false;
    await this.consumer.disconnect().catch(() => undefined);
    await this.lock;
    await this.sink.close().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
