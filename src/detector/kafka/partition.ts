import { createRuleEngine } from '../../engine/index.js';
import type { CompiledRule, EngineStats, RuleEngine, Transition } from '../../engine/types.js';
import type { HerdEvent } from '../../events/schema.js';
import type { PartitionTrends } from '../../kafka/codec.js';
import type { DetectorMetrics } from '../../metrics/detector.js';
import { createDetectorRunner, type DetectorRunner } from '../runner.js';

/**
 * One source partition's share of a rule: its own engine (events are keyed, so every key's
 * state lives in exactly one partition), fed in offset order. Offsets below `liveFrom` were
 * processed before this member got the partition: they are replayed silently, to rebuild
 * window and baseline state, and never alert again. From `liveFrom` on, it is live.
 */
export class PartitionEngine {
  readonly partition: number;
  readonly liveFrom: number;
  /** Next offset this engine expects; everything below it has been ingested. */
  nextOffset: number;
  /** Next offset expected from the fetcher (ahead of nextOffset while batches wait for evaluation). */
  fetchedTo: number;
  /** Wall-clock time of the last ingested message: idle partitions advance by the clock. */
  lastMessageWall: number;
  private readonly runner: DetectorRunner;
  private silent = false;
  private lastTrendAt = Number.NEGATIVE_INFINITY;

  constructor(rule: CompiledRule, opts: { partition: number; liveFrom: number; startOffset: number; now: number; metrics?: DetectorMetrics }) {
    this.partition = opts.partition;
    this.liveFrom = opts.liveFrom;
    this.nextOffset = opts.startOffset;
    this.fetchedTo = opts.startOffset;
    this.lastMessageWall = opts.now;
    // The shared runner brings dedupe by (id, state) (and metrics, when given); the wrapper
    // lets the replay run the same engine in silent mode.
    const createEngine = (r: CompiledRule): RuleEngine => {
      const engine = createRuleEngine(r);
      return {
        rule: engine.rule,
        ingest: (events, o) => engine.ingest(events, this.silent ? { ...o, silent: true } : o),
        advanceTo: (t, o) => engine.advanceTo(t, this.silent ? { ...o, silent: true } : o),
        trending: (limit) => engine.trending(limit),
        stats: () => engine.stats(),
      };
    };
    this.runner = createDetectorRunner({ rules: [rule], createEngine, ...(opts.metrics ? { metrics: opts.metrics } : {}) });
  }

  get replaying(): boolean {
    return this.nextOffset < this.liveFrom;
  }

  /**
   * Ingests records of this partition (offset order). Returns the live transitions and how
   * many events were replayed silently.
   */
  ingest(records: readonly { offset: number; event: HerdEvent }[], now: number): { transitions: Transition[]; replayed: number } {
    if (records.length === 0) return { transitions: [], replayed: 0 };
    let split = 0;
    while (split < records.length && records[split]!.offset < this.liveFrom) split++;
    return this.ingestEvents(records.map((r) => r.event), split, records[records.length - 1]!.offset, now);
  }

  /**
   * The batch path: a batch's events in offset order, of which the first `replay` came from
   * offsets before `liveFrom`; `lastOffset` is the last record's. No per-event wrapper objects.
   */
  ingestEvents(events: readonly HerdEvent[], replay: number, lastOffset: number, now: number): { transitions: Transition[]; replayed: number } {
    if (events.length === 0) return { transitions: [], replayed: 0 };
    if (replay > 0) {
      this.silent = true;
      try {
        this.runner.ingest(replay === events.length ? events : events.slice(0, replay));
      } finally {
        this.silent = false;
      }
    }
    const transitions = replay === 0 ? this.runner.ingest(events) : replay < events.length ? this.runner.ingest(events.slice(replay)) : [];
    this.nextOffset = lastOffset + 1;
    this.lastMessageWall = now;
    return { transitions, replayed: replay };
  }

  /** Marks offsets as consumed that carried no event (malformed messages). */
  skipTo(nextOffset: number): void {
    this.nextOffset = Math.max(this.nextOffset, nextOffset);
  }

  /** Moves event time on by the wall clock when no events arrive, so open alerts can resolve. */
  tick(now: number): Transition[] {
    return this.runner.tick(now);
  }

  /** The trending snapshot when it moved on since the last call. */
  trendsIfChanged(limit?: number): PartitionTrends | undefined {
    const snap = this.runner.snapshots()[0];
    if (!snap || !(snap.at > this.lastTrendAt)) return undefined;
    this.lastTrendAt = snap.at;
    const entries = limit === undefined ? snap.entries : snap.entries.slice(0, limit);
    return { ...snap, entries, partition: this.partition };
  }

  stats(): EngineStats {
    return this.runner.stats()[0]!;
  }
}
