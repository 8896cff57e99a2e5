import { errFields, fallbackLogger } from '../log/logger.js';
import { createRuleEngine } from '../engine/index.js';
import type { CompiledRule, EngineStats, RuleEngine, Transition, TrendingSnapshot } from '../engine/types.js';
import type { HerdEvent } from '../events/schema.js';
import type { AlertSink } from '../bus/types.js';
import { keyMetricsAllowed, TRENDING_GAUGE_KEYS, type DetectorMetrics } from '../metrics/detector.js';

/**
 * Runs one engine per rule in this process, independent of Kafka: events in, transitions
 * out (deduplicated by id and state, so a replay never repeats an alert), trending
 * snapshots published when a rule's last closed bucket moves on.
 */
export interface RunnerOptions {
  readonly rules: readonly CompiledRule[];
  /** Where transitions and snapshots go: a query store, a bus, a printer, or a fan-out of them. */
  readonly sink?: AlertSink;
  readonly metrics?: DetectorMetrics;
  readonly createEngine?: (rule: CompiledRule) => RuleEngine;
  /** How many (id, state) pairs are remembered for dedup; the oldest are forgotten first. */
  readonly dedupCapacity?: number;
  readonly onError?: (err: unknown) => void;
  /**
   * Publish a rule's trending snapshot at most this often (wall time, ms). At 600× event
   * time every bucket closes in milliseconds; readers of the stream want a few per second,
   * not hundreds. 0 (default) publishes every new snapshot. Idle ticks publish what was held back.
   */
  readonly minTrendIntervalMs?: number;
  readonly wallClock?: () => number;
}

export interface RuleStats extends EngineStats {
  readonly rule: string;
}

export interface DetectorRunner {
  readonly rules: readonly CompiledRule[];
  /** Feeds events to every rule; returns the new transitions. */
  ingest(events: readonly HerdEvent[]): Transition[];
  /** Idle tick: moves each rule's watermark to `now − allowed lateness` (event time). */
  tick(now: number): Transition[];
  /** End of input: closes every bucket, window and cooldown past `endTime`, so all that fired resolves. */
  flush(endTime: number): Transition[];
  snapshots(): TrendingSnapshot[];
  stats(): RuleStats[];
  /** Resolves when everything handed to the sink so far has been sent. */
  settled(): Promise<void>;
}

export function createDetectorRunner(opts: RunnerOptions): DetectorRunner {
  const make = opts.createEngine ?? createRuleEngine;
  const engines = opts.rules.map((rule) => ({
    engine: make(rule), label: `${rule.namespace}/${rule.name}`, lastTrendAt: Number.NEGATIVE_INFINITY, lastTrendWall: Number.NEGATIVE_INFINITY, prev: zeroStats(), gaugeKeys: [] as string[],
  }));
  const wall = opts.wallClock ?? Date.now;
  const minTrendMs = opts.minTrendIntervalMs ?? 0;
  const capacity = Math.max(1, opts.dedupCapacity ?? 100_000);
  const seen = new Set<string>();
  const onError = opts.onError ?? ((err: unknown) => fallbackLogger().error({ component: 'runner', ...errFields(err) }, 'alert sink failed'));
  let chain: Promise<void> = Promise.resolve();

  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(work).catch(onError);
  };

  function accept(label: string, severity: string, transitions: readonly Transition[]): Transition[] {
    const fresh: Transition[] = [];
    for (const t of transitions) {
      const id = `${t.id}|${t.state}|${t.escalation ?? 0}`;
      if (seen.has(id)) {
        opts.metrics?.duplicateTransitions.inc({ rule: label });
        continue;
      }
      seen.add(id);
      if (seen.size > capacity) seen.delete(seen.values().next().value!);
      opts.metrics?.transitions.inc({ rule: label, state: t.state, severity });
      fresh.push(t);
    }
    return fresh;
  }

  function publish(out: Transition[]): void {
    const m = opts.metrics;
    for (const e of engines) {
      const s = e.engine.stats();
      if (m) {
        m.events.inc({ rule: e.label }, Math.max(0, s.events - e.prev.events));
        m.lateEvents.inc({ rule: e.label }, Math.max(0, s.lateEvents - e.prev.lateEvents));
        m.keys.set({ rule: e.label }, s.keys);
        m.stateBytes.set({ rule: e.label }, s.stateBytes);
        if (s.keysAtMinEvents !== undefined) m.keysAtMinEvents.set({ rule: e.label }, s.keysAtMinEvents);
        if (Number.isFinite(s.watermark)) m.watermark.set({ rule: e.label }, s.watermark / 1000);
      }
      e.prev = s;
    }
    const sink = opts.sink;
    if (!sink) return;
    if (out.length > 0) {
      const batch = [...out];
      enqueue(() => sink.sendAlerts(batch));
    }
    const now = minTrendMs > 0 ? wall() : 0;
    for (const e of engines) {
      if (minTrendMs > 0 && now - e.lastTrendWall < minTrendMs) continue;
      const snap = e.engine.trending();
      if (snap.at > e.lastTrendAt) {
        e.lastTrendAt = snap.at;
        e.lastTrendWall = now;
        if (m && m.trendingKeys > 0 && keyMetricsAllowed(e.engine.rule.key)) {
          for (const key of e.gaugeKeys) m.trendingLift.remove({ rule: e.label, key });
          const top = snap.entries.slice(0, Math.min(m.trendingKeys, TRENDING_GAUGE_KEYS));
          e.gaugeKeys = top.map((x) => x.key);
          for (const x of top) m.trendingLift.set({ rule: e.label, key: x.key }, x.lift);
        }
        enqueue(() => sink.sendTrends(snap));
      }
    }
  }

  function each(step: (engine: RuleEngine) => Transition[]): Transition[] {
    const out: Transition[] = [];
    // No spread push: a large batch yields more transitions than a call may take arguments.
    for (const e of engines) for (const t of accept(e.label, e.engine.rule.severity, step(e.engine))) out.push(t);
    publish(out);
    return out;
  }

  return {
    rules: opts.rules,
    ingest: (events) => (events.length === 0 ? [] : each((engine) => engine.ingest(events))),
    tick: (now) => each((engine) => engine.advanceTo(now - engine.rule.detector.allowedLatenessMs)),
    flush: (endTime) => each((engine) => {
      const d = engine.rule.detector;
      // Far enough that every window has slid past the input and every cooldown has run out.
      return engine.advanceTo(endTime + d.windowMs + d.bucketMs + d.allowedLatenessMs + d.cooldownMs);
    }),
    snapshots: () => engines.map((e) => e.engine.trending()),
    stats: () => engines.map((e) => ({ ...e.engine.stats(), rule: e.label })),
    settled: async () => {
      let current: Promise<void>;
      do {
        current = chain;
        await current;
      } while (current !== chain);
    },
  };
}

function zeroStats(): EngineStats {
  return { keys: 0, events: 0, lateEvents: 0, filteredEvents: 0, evictedKeys: 0, watermark: Number.NEGATIVE_INFINITY, stateBytes: 0 };
}

/** An AlertSink that hands everything to several sinks (store, bus, printer). */
export function fanOut(...sinks: AlertSink[]): AlertSink {
  return {
    sendAlerts: async (t) => {
      await Promise.all(sinks.map((s) => s.sendAlerts(t)));
    },
    sendTrends: async (s) => {
      await Promise.all(sinks.map((x) => x.sendTrends(s)));
    },
  };
}
