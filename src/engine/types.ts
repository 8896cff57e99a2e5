import type { HerdEvent } from '../events/schema.js';
import type { DetectorType, Severity } from '../rules/schema.js';

/**
 * The engine's contract. The engine is pure: events (and, optionally, a watermark) in,
 * transitions and trending snapshots out. Time is an argument; nothing here does I/O.
 */

/** A HerdRule after validation, with defaults applied and durations in milliseconds. */
export interface CompiledRule {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
  readonly eventTypes: ReadonlySet<string> | null;
  readonly match: ReadonlyMap<string, ReadonlySet<string>> | null;
  /** Weight per event type; types absent here weigh `defaultWeight`. */
  readonly weights: Readonly<Record<string, number>>;
  readonly defaultWeight: number;
  /** 'events': an event counts 1 (or its `count`); 'quantity': its units (`quantity`, 1 when absent), × `count`. */
  readonly weightBy: 'events' | 'quantity';
  readonly severity: Severity;
  readonly detector: CompiledDetector;
}

export interface CompiledDetector {
  readonly type: DetectorType;
  readonly windowMs: number;
  readonly bucketMs: number;
  readonly allowedLatenessMs: number;
  readonly cooldownMs: number;
  readonly topK: number;
  // surge
  readonly baselineHalfLifeMs: number;
  readonly minEvents: number;
  /** Distinct actors (userId, else sessionId) needed in the window to fire. */
  readonly minActors: number;
  /** An open alert escalates when its lift reaches escalateAt × the lift at its last page. */
  readonly escalateAt: number;
  readonly minLift: number;
  readonly sensitivity: number;
  readonly relativeTo: 'none' | 'site';
  /** Hour-of-day (daily) or hour-of-week (weekly) profile of the rule's traffic, learnt from it. */
  readonly seasonality: 'none' | 'daily' | 'weekly';
  /** Event field whose groups (e.g. categories) give new and sparse keys their prior; absent: the flat prior (absent, not null, so rules without it compile to the same JSON and config hash as before). */
  readonly priorBy?: string;
  // velocity
  readonly maxEvents: number;
  // threshold / novelty
  readonly field: string;
  readonly above: number;
  readonly memoryMs: number;
  readonly minHistory: number;
}

/**
 * `firing` opens an alert, `escalated` updates the same alert (same id) when its lift has grown
 * past the rule's `escalateAt` × the lift at the last page, `resolved` closes it.
 */
export type AlertState = 'firing' | 'escalated' | 'resolved';

/** A state change of one key under one rule. Ids are deterministic so replays dedupe. */
export interface Transition {
  /** `<rule uid>:<key>:<onset bucket start ms>`; the same for the firing and its resolved. */
  readonly id: string;
  readonly state: AlertState;
  readonly ruleUid: string;
  readonly rule: string; // namespace/name
  readonly detector: DetectorType;
  readonly severity: Severity;
  readonly key: string;
  /** Start (event time, ms) of the bucket in which the condition began. */
  readonly onset: number;
  /** Event time (ms) at which this transition was decided (the closing bucket's end, or the event's ts). */
  readonly at: number;
  /** Weighted count in the window (surge), events in the window (velocity), the field value (threshold). */
  readonly value: number;
  /** Expected value: baseline window count (surge), the limit (velocity), the threshold (threshold). */
  readonly baseline: number;
  /** value / baseline where meaningful. */
  readonly lift: number;
  /** Significance (surge), 0 otherwise. */
  readonly score: number;
  /** One line a person understands: why this fired or resolved. */
  readonly reason: string;
  /** Events behind a per-event detector (threshold, novelty, velocity): their ids. */
  readonly eventIds?: readonly string[];
  /** Distinct people (userId, else sessionId) behind the window's count (surge, velocity); exact up to a cap, estimated above. */
  readonly actors?: number;
  /** Lift at the previous page of this alert (set on `escalated`: the firing's lift or the last escalation's). */
  readonly pagedLift?: number;
  /** 1 for an alert's first escalation, 2 for the next, …; absent on firing and resolved. Consumers key updates by (id, state, escalation). */
  readonly escalation?: number;
  /** What was counted, in words: e.g. "weighted events (purchase ×5, view ×1) in the last 1h". */
  readonly counted?: string;
}

export interface TrendingEntry {
  readonly key: string;
  readonly value: number;
  readonly baseline: number;
  readonly lift: number;
  readonly score: number;
  readonly firing: boolean;
  /** Distinct people (userId, else sessionId) behind `value` (surge with minActors > 1; capped at 16, "16 or more"). */
  readonly actors?: number;
}

export interface TrendingSnapshot {
  readonly ruleUid: string;
  readonly rule: string;
  /** Event time (ms) of the last closed bucket this snapshot reflects. */
  readonly at: number;
  readonly entries: readonly TrendingEntry[];
}

export interface EngineStats {
  readonly keys: number;
  readonly events: number;
  readonly lateEvents: number;
  readonly filteredEvents: number;
  readonly evictedKeys: number;
  /** Events not counted because an event with the same id and event time already was (retries, redelivery). */
  readonly duplicateEvents?: number;
  /** Events that arrived more than the future skew ahead of the stream's time (held; they did not move the watermark on arrival). */
  readonly futureEvents?: number;
  /** Held far-future events dropped because the hold buffer was full (never counted). */
  readonly droppedFutureEvents?: number;
  readonly watermark: number;
  /**
   * Coverage (surge): keys held that have reached `minEvents` in their window at least once
   * since they were first seen (or last started over). The rest of `keys` has never been able
   * to page on its own traffic: see docs/engine.md, "The long tail".
   */
  readonly keysAtMinEvents?: number;
  /** Approximate bytes of per-key state held. */
  readonly stateBytes: number;
}

export interface IngestOptions {
  /** Rebuild state without emitting transitions (replay on partition assignment). */
  readonly silent?: boolean;
}

/** One rule's detector. Feed events in arrival order; they may be out of order in event time. */
export interface RuleEngine {
  readonly rule: CompiledRule;
  ingest(events: Iterable<HerdEvent>, opts?: IngestOptions): Transition[];
  /** Advance the watermark to at least `eventTime` (e.g. wall clock − lateness when idle). */
  advanceTo(eventTime: number, opts?: IngestOptions): Transition[];
  trending(limit?: number): TrendingSnapshot;
  stats(): EngineStats;
}
