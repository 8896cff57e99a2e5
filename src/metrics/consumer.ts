import { Gauge, Histogram, type Registry } from 'prom-client';
import { TRENDING_GAUGE_KEYS, type DetectorMetrics } from './detector.js';

/** What a detector knows about one assigned partition; updated as batches are processed. */
interface PartitionView {
  /** Next offset the engine will process. */
  next: number;
  /** High watermark last seen (fetch response or admin refresh). */
  high: number;
  /** Kafka timestamp (ms) of the last processed record; undefined before the first. */
  processedKafkaMs: number | undefined;
  /** Where the rebuild started and where live processing begins (equal when nothing is replayed). */
  replayFrom: number;
  liveFrom: number;
  /** Latest trending entries of this partition, for the capped per-key gauge. */
  trending: readonly { key: string; lift: number }[];
}

const views = new WeakMap<Registry, Set<ConsumerProgress>>();

function gauge(registry: Registry, name: string, help: string, labelNames: string[], fill: (g: Gauge, p: ConsumerProgress) => void): void {
  if (registry.getSingleMetric(name)) return;
  new Gauge({
    name, help, labelNames, registers: [registry],
    // Computed at scrape time, so "now minus ..." is as of the scrape, and revoked partitions vanish.
    collect(this: Gauge) {
      this.reset();
      for (const p of views.get(registry) ?? []) fill(this, p);
    },
  });
}

function registerGauges(registry: Registry): void {
  gauge(registry, 'herdwatch_detector_consumer_lag_offsets', 'Records on an assigned partition not yet processed (high watermark minus next offset)', ['rule', 'partition'],
    (g, p) => p.each((rule, partition, v) => g.set({ rule, partition }, Math.max(0, v.high - v.next))));
  gauge(registry, 'herdwatch_detector_consumer_lag_seconds',
    'How far behind a partition is in time: now minus the Kafka timestamp of the last processed record while records wait, 0 when caught up', ['rule', 'partition'],
    (g, p) => p.each((rule, partition, v) => g.set({ rule, partition }, p.lagSeconds(v))));
  gauge(registry, 'herdwatch_detector_replay_progress_ratio',
    'Share of the history replayed to rebuild a partition\'s window state after its assignment (1 once live)', ['rule', 'partition'],
    (g, p) => p.each((rule, partition, v) => g.set({ rule, partition }, replayRatio(v))));
  gauge(registry, 'herdwatch_detector_replay_remaining_offsets', 'Records left to replay before a partition alerts again (0 once live)', ['rule', 'partition'],
    (g, p) => p.each((rule, partition, v) => g.set({ rule, partition }, Math.max(0, v.liveFrom - v.next))));
  gauge(registry, 'herdwatch_detector_watermark_delay_seconds',
    'Now minus the event-time watermark of the rule (slowest partition): grows when the watermark stalls, negative if it jumps ahead', ['rule'],
    (g, p) => { if (p.watermarkMs !== undefined) g.set({ rule: p.rule }, (p.clock() - p.watermarkMs) / 1000); });
}

function replayRatio(v: PartitionView): number {
  const total = v.liveFrom - v.replayFrom;
  if (total <= 0 || v.next >= v.liveFrom) return 1;
  return Math.max(0, (v.next - v.replayFrom) / total);
}

/**
 * Lag, replay and watermark of one detector (one rule), by partition. The runtime reports
 * what it learns as it goes; the gauges are computed when Prometheus scrapes. Labels are
 * rule and partition only, both bounded (partitions by the topic's partition count).
 */
export class ConsumerProgress {
  private readonly parts = new Map<number, PartitionView>();
  watermarkMs: number | undefined;
  private trendKeys: string[] = [];
  readonly commitDuration: Histogram<'rule'>;

  constructor(private readonly registry: Registry, readonly rule: string, readonly clock: () => number = Date.now) {
    registerGauges(registry);
    this.commitDuration = (registry.getSingleMetric('herdwatch_detector_commit_duration_seconds') as Histogram<'rule'> | undefined) ?? new Histogram({
      name: 'herdwatch_detector_commit_duration_seconds', help: 'Time to commit the offsets of published batches (one request for every partition)',
      labelNames: ['rule'], registers: [registry], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    let set = views.get(registry);
    if (!set) views.set(registry, set = new Set());
    set.add(this);
  }

  /** A partition's first batch since assignment: it replays from `replayFrom` up to `liveFrom`. */
  assigned(partition: number, replayFrom: number, liveFrom: number): void {
    this.parts.set(partition, { next: replayFrom, high: liveFrom, processedKafkaMs: undefined, replayFrom, liveFrom, trending: [] });
  }

  /** A batch was processed (and published) up to `next`; `kafkaMs` is its last record's Kafka timestamp. */
  processed(partition: number, next: number, kafkaMs: number, high: number): void {
    const v = this.parts.get(partition);
    if (!v) return;
    v.next = next;
    v.high = Math.max(v.high, high);
    if (Number.isFinite(kafkaMs)) v.processedKafkaMs = kafkaMs;
  }

  /** The high watermark read by the periodic refresh (so lag shows even when no batch arrives). */
  highWatermark(partition: number, high: number): void {
    const v = this.parts.get(partition);
    if (v) v.high = Math.max(v.high, high);
  }

  /** The partition's latest trending entries; the per-key gauge keeps the rule's top few over all partitions. */
  trending(metrics: DetectorMetrics, partition: number, entries: readonly { key: string; lift: number }[]): void {
    const v = this.parts.get(partition);
    if (!v) return;
    v.trending = entries.slice(0, TRENDING_GAUGE_KEYS);
    this.exportTrending(metrics);
  }

  revoked(partition: number, metrics?: DetectorMetrics): void {
    if (this.parts.delete(partition) && metrics) this.exportTrending(metrics);
  }

  /** Stop reporting (the detector stopped). */
  close(): void {
    views.get(this.registry)?.delete(this);
  }

  each(fn: (rule: string, partition: string, v: PartitionView) => void): void {
    for (const [p, v] of this.parts) fn(this.rule, String(p), v);
  }

  lagSeconds(v: PartitionView): number {
    if (v.next >= v.high) return 0;
    // Nothing processed since the assignment: how old the backlog is is unknown until the first batch.
    if (v.processedKafkaMs === undefined) return 0;
    return Math.max(0, (this.clock() - v.processedKafkaMs) / 1000);
  }

  private exportTrending(metrics: DetectorMetrics): void {
    const top = [...this.parts.values()].flatMap((v) => v.trending).sort((a, b) => b.lift - a.lift).slice(0, TRENDING_GAUGE_KEYS);
    for (const key of this.trendKeys) metrics.trendingLift.remove({ rule: this.rule, key });
    this.trendKeys = top.map((e) => e.key);
    for (const e of top) metrics.trendingLift.set({ rule: this.rule, key: e.key }, e.lift);
  }
}
