import { context } from '@opentelemetry/api';
import type { Admin, Consumer, EachBatchPayload, KafkaMessage, Message, TopicMessages } from 'kafkajs';
import { KafkaAlertSink } from '../../kafka/alert-sink.js';
import type { PartitionTrends } from '../../kafka/codec.js';
import { retrying } from '../../kafka/retry.js';
import { contextFromHeaders } from '../../kafka/trace.js';
import { ConsumerProgress } from '../../metrics/consumer.js';
import { createDetectorMetrics, type DetectorMetrics } from '../../metrics/detector.js';
import { accountEngineStats, createKafkaDetectorMetrics, type KafkaDetectorMetrics } from './metrics.js';
import { deadLetter, defaultReplayMs, detectorGroupId, type KafkaDetectorOptions } from './options.js';
import { InlineEngineHost, type EngineHost } from './engines.js';
import { heartbeating, REBALANCING } from './heartbeat.js';
import { ReadinessTracker } from './readiness.js';
import { PartitionTrack, type Job } from './track.js';
import { WorkerEngineHost } from './worker-host.js';
import { fallbackLogger, type Logger } from '../../log/logger.js';

/**
 * Commit errors meaning the coordinator no longer counts this member in the group's generation.
 * kafkajs wraps the broker's error (in KafkaJSNonRetriableError), so the cause chain is searched.
 */
function isMembershipLost(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = err; e !== null && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const type = (e as { type?: string }).type;
    if (type === 'UNKNOWN_MEMBER_ID' || type === 'ILLEGAL_GENERATION') return true;
  }
  return false;
}

export { defaultReplayMs, detectorGroupId, type KafkaDetectorOptions } from './options.js';

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
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly sink: KafkaAlertSink;
  private readonly metrics: DetectorMetrics;
  private readonly km: KafkaDetectorMetrics;
  private readonly progress: ConsumerProgress;
  private readonly readiness: ReadinessTracker;
  private readonly parts = new Map<number, PartitionTrack>();
  /** Partitions of the current assignment (a batch may finish after its partition moved on). */
  private assigned = new Set<number>();
  private readonly heartbeatMs: number;
  private readonly host: EngineHost;
  private lock: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private crashed: Error | undefined;
  private queued = 0;
  /** Resolved whenever a queued batch finishes; waiters re-check their condition. */
  private waiters: (() => void)[] = [];
  private running = false;
  private stopping = false;
  private ticking = false;
  private readonly toCommit = new Map<number, number>();
  private commitActive = false;
  private committing: Promise<void> = Promise.resolve();
  /** Since when (wall clock) commits say the group no longer knows this member; undefined while it does. */
  private memberLostSince: number | undefined;
  /** A consumer restart in progress (see memberLost). */
  private restarting: Promise<void> | undefined;
  private runConfig: Parameters<Consumer['run']>[0];
  private warnedKeys = false;
  /** Where batch time goes (ms, cumulative): for benchmarks and /status. */
  private readonly spent = { batches: 0, decode: 0, engine: 0, wait: 0, publish: 0, commit: 0 };

  constructor(opts: KafkaDetectorOptions) {
    this.o = opts;
    this.source = opts.sourceTopic ?? opts.topics.events;
    this.label = `${opts.rule.namespace}/${opts.rule.name}`;
    this.heartbeatMs = opts.heartbeatIntervalMs ?? 1000;
    this.logger = (opts.logger ?? fallbackLogger()).child({ component: 'detector', rule: this.label });
    this.groupId = opts.groupId ?? detectorGroupId(opts.rule);
    this.consumer = opts.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: opts.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: opts.heartbeatIntervalMs ?? 1000,
      rebalanceTimeout: 20_000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 100,
    });
    this.runConfig = {
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    };
    this.admin = opts.kafka.admin();
    this.sink = new KafkaAlertSink(opts.kafka, opts.topics);
    this.metrics = opts.metrics ?? createDetectorMetrics(opts.registry);
    this.km = createKafkaDetectorMetrics(opts.registry);
    // Series from the start (at 0), so dashboards and rate() see "none yet" rather than "no data".
    for (const c of [this.km.replayedEvents, this.km.rebalances, this.km.publishFailures, this.km.keyMismatch]) c.inc({ rule: this.label }, 0);
    this.progress = new ConsumerProgress(opts.registry, this.label, () => this.now());
    this.readiness = new ReadinessTracker(this.admin, this.groupId, this.source, opts.startFrom ?? 'latest');
    const hostOptions = opts.futureSkewMs === undefined ? {} : { futureSkewMs: opts.futureSkewMs };
    this.host = (opts.engineThreads ?? 0) > 0
      ? new WorkerEngineHost(opts.rule, (err) => {
        this.crashed = err;
        this.log('error', 'engine worker failed', { error: err.message });
      }, hostOptions)
      : new InlineEngineHost(opts.rule, hostOptions);
  }

  private dropPartition(p: number): void {
    this.toCommit.delete(p);
    if (this.parts.delete(p)) this.host.drop(p);
    this.progress.revoked(p, this.metrics);
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
    this.logger[level](fields, msg);
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
      this.assigned = mine;
      this.memberLostSince = undefined;
      // Revoked partitions: their state goes (what was processed is already committed).
      for (const p of [...this.parts.keys()]) if (!mine.has(p)) this.dropPartition(p);
      // Partitions still replaying lose their uncommitted position on a rejoin: rebuild them.
      for (const [p, s] of [...this.parts]) if (s.fetchedTo < s.liveFrom) this.dropPartition(p);
      this.km.rebalances.inc({ rule: this.label });
      this.km.assignedPartitions.set({ rule: this.label }, mine.size);
      this.readiness.assigned([...mine]);
      // Also after kafkajs restarted a crashed consumer (its restart emits STOP first).
      if (!this.stopping) this.running = true;
      this.log('info', 'partitions assigned', { partitions: [...mine].sort((a, b) => a - b) });
    });
    this.consumer.on(CRASH, ({ payload }) => {
      for (const p of [...this.parts.keys()]) this.dropPartition(p);
      this.assigned = new Set();
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
    await this.consumer.run(this.runConfig);
    const tickMs = this.o.tickMs ?? 1000;
    this.timer = setInterval(() => void this.onTick().catch((err: unknown) => {
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
  private async onBatch({ batch, resolveOffset, isRunning, isStale, heartbeat }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const p = batch.partition;
    const first = Number(batch.messages[0]!.offset);
    let state = this.parts.get(p);
    // A failed publish is rewinding this partition: what it fetched meanwhile is not processed
    // (nor resolved); the seek back to the last commit decides where the partition resumes.
    if (state?.recovering) return;
    if (state && first > state.fetchedTo) {
      // The fetch position moved past us (a rejoin during replay): start this partition over.
      this.dropPartition(p);
      state = undefined;
    }
    if (!state) {
      // First batch since assignment: it starts where the group left off.
      let from: number;
      try {
        const found = await heartbeating(this.replayStart(p, first), heartbeat, this.heartbeatMs);
        if (found === REBALANCING) return;
        from = found;
      } catch (err) {
        // Nothing resolved: kafkajs hands this batch over again on its next fetch.
        this.log('warn', 'cannot find where to replay from; retrying', { partition: p, error: (err as Error).message });
        await new Promise((r) => setTimeout(r, 1000));
        return;
      }
      // The lookup took a while: the partition may have been revoked or sought meanwhile.
      if (!isRunning() || isStale() || !this.assigned.has(p) || this.parts.has(p)) return;
      const now = this.now();
      state = new PartitionTrack(p, first, from, now);
      this.parts.set(p, state);
      this.host.open(p, first, from, now);
      this.progress.assigned(p, from, first);
      if (from < first) {
        this.log('info', 'rebuilding partition state', { partition: p, from, liveFrom: first });
        this.consumer.seek({ topic: this.source, partition: p, offset: String(from) });
        return;
      }
    }
    const messages = first < state.fetchedTo ? batch.messages.filter((m) => Number(m.offset) >= state.fetchedTo) : batch.messages;
    if (messages.length === 0) {
      // Already fetched and queued by this track (a rejoin fetches again from the last commit):
      // move kafkajs's fetch position past them, or it would hand over the same batch forever.
      resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
      return;
    }
    const last = Number(messages[messages.length - 1]!.offset);
    state.fetchedTo = last + 1;
    resolveOffset(String(last));
    this.queued++;
    const job: Job = {
      track: state, messages, last, high: Number(batch.highWatermark),
      ...(this.host instanceof WorkerEngineHost ? { evaluating: this.host.evaluate(this.batchInput(p, messages, last)) } : {}),
    };
    job.evaluating?.catch(() => undefined);
    void this.serial(() => this.process(job)).catch((err: unknown) => this.log('error', 'batch failed', { partition: p, error: (err as Error).message }))
      .finally(() => {
        this.queued--;
        for (const w of this.waiters.splice(0)) w();
      });
    // Bounded read-ahead: at most `maxQueued` batches wait for evaluation. A wait behind a slow
    // publish heartbeats, and gives way to a rebalance (the queued batches go on regardless).
    while (this.queued >= (this.o.maxQueuedBatches ?? 12)) {
      if ((await heartbeating(this.batchDone(), heartbeat, this.heartbeatMs)) === REBALANCING || !isRunning()) return;
    }
  }

  private batchDone(): Promise<void> {
    return new Promise<void>((r) => this.waiters.push(r));
  }

  private batchInput(partition: number, messages: readonly KafkaMessage[], last: number) {
    return {
      partition, last, now: this.now(),
      values: messages.map((m) => m.value),
      offsets: messages.map((m) => Number(m.offset)),
      timestamps: messages.map((m) => Number(m.timestamp)),
      firstKey: messages[0]?.key?.toString('utf8') ?? null,
    };
  }

  /** Decode and evaluate (here or in the worker), publish, commit: one batch, in order, under the lock. */
  private async process(job: Job): Promise<void> {
    const { track, messages, last } = job;
    const p = track.partition;
    if (!this.owns(track)) return; // revoked, failed or being rebuilt since it was fetched
    const t0 = performance.now();
    const out = await (job.evaluating ?? this.host.evaluate(this.batchInput(p, messages, last)));
    if (!this.owns(track)) return;
    const t1 = performance.now();
    track.nextOffset = last + 1;
    track.lastMessageWall = this.now();
    const dead: Message[] = [];
    for (const m of out.malformed) {
      this.km.malformed.inc({ rule: this.label, reason: m.reason });
      if (this.o.deadLetterTopic) dead.push(deadLetter(messages[m.index]!, this.source, p, m.reason, m.message));
    }
    if (out.keyMismatch) this.keyMismatch();
    if (out.replayed > 0) this.km.replayedEvents.inc({ rule: this.label }, out.replayed);
    accountEngineStats(this.metrics, this.label, this.parts.values(), track, out.stats, out.transitions);
    this.progress.watermarkMs = this.slowestWatermark();
    if (out.trends) this.progress.trending(this.metrics, p, out.trends.entries);
    const extra: TopicMessages[] = dead.length > 0 && this.o.deadLetterTopic ? [{ topic: this.o.deadLetterTopic, messages: dead }] : [];
    if (out.trends) track.pendingTrends = out.trends;
    const trends = this.dueTrends(track, out.transitions.length > 0);
    try {
      // Alerts continue the trace of the batch's first traced event (a no-op without an OpenTelemetry SDK).
      const traced = messages.find((m) => m.headers?.traceparent !== undefined);
      await context.with(contextFromHeaders(traced?.headers), () => this.sink.publish(out.transitions, trends, extra));
    } catch (err) {
      await this.recover(track, err);
      return;
    }
    const t2 = performance.now();
    // Revoked (or failed) while publishing: the partition's next owner resumes from the last
    // commit; committing here could move the group past offsets that owner has not published.
    if (!this.owns(track)) return;
    this.progress.processed(p, last + 1, Number(messages[messages.length - 1]!.timestamp), job.high);
    if (last >= track.liveFrom) this.scheduleCommit(p, last + 1);
    const t3 = performance.now();
    this.readiness.progress(p, track.replaying ? -1 : last + 1, job.high);
    this.spent.batches++;
    this.spent.decode += out.decodeMs;
    this.spent.engine += out.engineMs;
    this.spent.wait += Math.max(0, t1 - t0 - (job.evaluating ? 0 : out.decodeMs + out.engineMs));
    this.spent.publish += t2 - t1;
    this.km.batchDuration.observe({ rule: this.label }, (t3 - t0) / 1000);
  }

  /**
   * Trending snapshots are dashboards, not events: at most one per partition per
   * `trendsIntervalMs` (or with a transition), the latest winning; the idle tick sends the rest.
   */
  private dueTrends(track: PartitionTrack, withTransition: boolean): PartitionTrends[] {
    const pending = track.pendingTrends;
    const now = this.now();
    if (!pending || (!withTransition && now - track.trendsSentAt < (this.o.trendsIntervalMs ?? 1000))) return [];
    track.pendingTrends = undefined;
    track.trendsSentAt = now;
    return [pending];
  }

  /**
   * Commits run beside evaluation, not in its path: offsets of published batches wait here
   * and go out together, one request for every partition, latest offset each. Only published
   * batches are ever scheduled, so at-least-once holds.
   */
  private scheduleCommit(partition: number, offset: number): void {
    this.toCommit.set(partition, offset);
    if (!this.commitActive) this.committing = this.commitLoop();
  }

  private async commitLoop(): Promise<void> {
    this.commitActive = true;
    try {
      while (this.toCommit.size > 0) {
        // Only partitions still held: dropPartition (revocation, failure) removes the others.
        const offsets = [...this.toCommit].filter(([p]) => this.assigned.has(p)).map(([partition, offset]) => ({ topic: this.source, partition, offset: String(offset) }));
        this.toCommit.clear();
        const t = performance.now();
        try {
          await this.consumer.commitOffsets(offsets);
          this.memberLostSince = undefined;
        } catch (err) {
          if (isMembershipLost(err)) this.memberLost();
          // A rebalance: the partitions' next owners replay from the last commit (repeats dedupe
          // downstream). A broker that stalled: the offsets must still go out, or a partition that
          // gets no more records would stay behind for good, so partitions still held try again.
          this.log('warn', 'commit failed', { partitions: offsets.map((o) => o.partition), error: (err as Error).message });
          if (!this.stopping) await this.retryCommit(offsets);
        }
        this.spent.commit += performance.now() - t;
        this.progress.commitDuration.observe({ rule: this.label }, (performance.now() - t) / 1000);
      }
    } finally {
      this.commitActive = false;
    }
  }

  /**
   * Commits say the group coordinator no longer knows this member (it was evicted, e.g. after a
   * broker pause longer than the session timeout). kafkajs normally notices on its next heartbeat
   * and rejoins; but when that rejoin fails at once (the coordinator not yet available after the
   * pause, seen on Kafka 3.9.1), kafkajs 2.2.4 keeps fetching with its member id cleared: it then
   * never heartbeats, so it never learns it must rejoin, and every commit fails for good. Once
   * that has lasted longer than a real rejoin can take (session plus rebalance timeout), the
   * consumer is restarted: it joins the group afresh and fetches from the last commit; batches
   * this member already published are skipped by their partition tracks, and their pending
   * offsets are committed under the new membership.
   */
  private memberLost(): void {
    const now = Date.now();
    this.memberLostSince ??= now;
    if (this.stopping || this.restarting || now - this.memberLostSince < this.rejoinAfterMs()) return;
    this.log('warn', 'the group no longer knows this member and the consumer is not rejoining; restarting it', { lostForMs: now - this.memberLostSince });
    this.restarting = this.restartConsumer().finally(() => {
      this.restarting = undefined;
      this.memberLostSince = undefined;
    });
  }

  private rejoinAfterMs(): number {
    return this.o.rejoinAfterMs ?? (this.o.sessionTimeoutMs ?? 10_000) + 20_000;
  }

  private async restartConsumer(): Promise<void> {
    try {
      await this.consumer.stop();
      if (!this.stopping) await this.consumer.run(this.runConfig);
    } catch (err) {
      this.log('error', 'cannot restart the consumer', { error: (err as Error).message });
    }
  }

  /** Puts failed offsets back (unless a later one is queued) after a pause, for the loop to send again. */
  private async retryCommit(offsets: readonly { partition: number; offset: string }[]): Promise<void> {
    await new Promise((r) => setTimeout(r, this.o.commitRetryMs ?? 500));
    for (const o of offsets) {
      if (this.assigned.has(o.partition) && !this.toCommit.has(o.partition)) this.toCommit.set(o.partition, Number(o.offset));
    }
  }

  /** This member still holds the partition with this very track, and it has not failed. */
  private owns(track: PartitionTrack): boolean {
    return this.parts.get(track.partition) === track && !track.recovering && this.assigned.has(track.partition);
  }

  /**
   * Publishing failed: the engine already moved past the batch, so the partition is rebuilt
   * from the group's last commit. The track stays in place, marked, until the seek: batches
   * fetched meanwhile are ignored instead of opening a fresh engine past the failed batch
   * (whose alerts would then never be published, and a later commit would pass them).
   */
  private async recover(track: PartitionTrack, err: unknown): Promise<void> {
    const partition = track.partition;
    track.recovering = true;
    this.km.publishFailures.inc({ rule: this.label });
    this.log('warn', 'publish failed; rebuilding the partition from its last commit', { partition, error: (err as Error).message });
    let committed: number | undefined;
    for (let attempt = 1; committed === undefined; attempt++) {
      if (this.parts.get(partition) !== track) return; // revoked meanwhile: its next owner starts from the commit
      try {
        committed = await this.readiness.committed(partition);
      } catch (e) {
        this.log('warn', 'cannot read the committed offset; retrying', { partition, error: (e as Error).message });
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * attempt)));
      }
    }
    if (this.parts.get(partition) !== track) return;
    // Nothing committed yet: everything this member processed live (from liveFrom) is redone.
    const to = committed >= 0 ? committed : track.liveFrom;
    this.consumer.seek({ topic: this.source, partition, offset: String(to) });
    this.dropPartition(partition);
    // A short pause, so a broker that refuses every publish does not become a hot loop.
    await new Promise((r) => setTimeout(r, 500));
  }

  /** Sampled (one message per batch): a topic keyed by another field breaks partition-local state. */
  private keyMismatch(): void {
    this.km.keyMismatch.inc({ rule: this.label });
    if (!this.warnedKeys) {
      this.warnedKeys = true;
      this.log('warn', `messages on ${this.source} are not keyed by the rule key "${this.o.rule.key}"; state is partition-local, so results depend on partitioning`);
    }
  }

  /**
   * Periodic: readiness and lag from the broker (outside the lock: slow admin calls must not
   * hold up batches), then, under the lock, late trend snapshots and the idle advance.
   */
  private async onTick(): Promise<void> {
    if (!this.running || this.ticking) return;
    this.ticking = true;
    try {
      await this.readiness.refresh(this.parts);
      this.km.lag.set({ rule: this.label }, this.readiness.lag);
      for (const [p, high] of this.readiness.highWatermarks()) this.progress.highWatermark(p, high);
      await this.serial(() => this.idleWork());
    } finally {
      this.ticking = false;
    }
  }

  private async idleWork(): Promise<void> {
    const waiting = [...this.parts.values()].flatMap((t) => this.dueTrends(t, false));
    if (waiting.length > 0) await this.sink.publish([], waiting);
    const idle = this.o.idleAdvanceMs ?? 5000;
    if (idle <= 0) return;
    const now = this.now();
    const idlePartitions = [...this.parts.values()]
      .filter((s) => !s.replaying && s.fetchedTo === s.nextOffset && now - s.lastMessageWall >= idle && this.readiness.caughtUp(s.partition))
      .map((s) => s.partition);
    if (idlePartitions.length === 0) return;
    const { transitions, trends } = await this.host.tick(idlePartitions, now);
    for (const t of transitions) this.metrics.transitions.inc({ rule: this.label, state: t.state, severity: t.severity });
    await this.sink.publish(transitions, trends as PartitionTrends[]);
  }

  private slowestWatermark(): number | undefined {
    let w = Number.POSITIVE_INFINITY;
    for (const t of this.parts.values()) if (t.stats && Number.isFinite(t.stats.watermark)) w = Math.min(w, t.stats.watermark);
    return Number.isFinite(w) ? w : undefined;
  }

  /** Cumulative time spent per step of batch processing, ms. */
  profile(): { batches: number; decode: number; engine: number; wait: number; publish: number; commit: number } {
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
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    // Fetch nothing more, let the queued batches publish and commit, then leave the group.
    this.consumer.pause([{ topic: this.source }]);
    while (this.queued > 0) await this.batchDone();
    await this.lock;
    await this.committing;
    await this.restarting;
    this.running = false;
    await this.consumer.disconnect().catch(() => undefined);
    await this.lock;
    await this.sink.close().catch(() => undefined);
    await this.host.close().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    this.progress.close();
  }
}
