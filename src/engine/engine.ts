import type { HerdEvent } from '../events/schema.js';
import { ENGINE_WORDS, LAST_SEEN, type Detector, type DetectorContext } from './detector.js';
import { keyReader, weigher } from './fields.js';
import { KeyStore } from './keystore.js';
import { NoveltyDetector } from './novelty.js';
import { SurgeDetector, surgeStride } from './surge.js';
import { ThresholdDetector } from './threshold.js';
import type { CompiledRule, EngineStats, IngestOptions, RuleEngine, TrendingSnapshot, Transition } from './types.js';
import { VelocityDetector } from './velocity.js';
import { BucketClock } from './watermark.js';
import { RecentIds } from './dedupe.js';
import { DEFAULT_FUTURE_SKEW_MS, FutureGuard } from './future.js';
import { IdleHolds } from './idlehold.js';

export interface EngineOptions {
  /** Events further ahead of the stream's time than this need corroboration to move the watermark (see future.ts). */
  readonly futureSkewMs?: number;
}

const MAX_KEY_CHARS = 4096;
/** Minimum slots the eviction sweep inspects per bucket close. */
const SWEEP_MIN = 256;

/**
 * One rule's engine: filters and keys events, keeps the watermark, closes buckets in order
 * and lets the detector decide at each close, evicts idle keys. Every step is a function of
 * the events alone, so any chunking, replay speed or reordering within lateness agrees.
 */
export class Engine implements RuleEngine {
  private readonly keys: KeyStore;
  private readonly clock: BucketClock;
  private readonly detector: Detector;
  private readonly weightOf: (e: HerdEvent) => number;
  private readonly keyOf: (e: HerdEvent) => string | undefined;
  private readonly idleBuckets: number;
  private sweepHand = 0;
  private events = 0;
  private lateEvents = 0;
  private filteredEvents = 0;
  private evictedKeys = 0;
  private readonly ids = new RecentIds();
  private readonly future: FutureGuard;
  private readonly idle = new IdleHolds();

  constructor(readonly rule: CompiledRule, opts: EngineOptions = {}) {
    const d = rule.detector;
    this.future = new FutureGuard(opts.futureSkewMs ?? DEFAULT_FUTURE_SKEW_MS);
    this.clock = new BucketClock(d.bucketMs, d.allowedLatenessMs);
    const stride = d.type === 'surge' ? surgeStride(rule) : ENGINE_WORDS;
    this.keys = new KeyStore(stride, (capacity) => this.detector.grow(capacity));
    const ctx: DetectorContext = { rule, keys: this.keys, clock: this.clock, windowBuckets: Math.max(1, Math.round(d.windowMs / d.bucketMs)) };
    this.detector = createDetector(ctx);
    this.idleBuckets = Math.ceil(this.detector.idleMs / d.bucketMs) + 1;
    this.weightOf = weigher(rule);
    this.keyOf = keyReader(rule.key);
  }

  ingest(events: Iterable<HerdEvent>, opts?: IngestOptions): Transition[] {
    const out: Transition[] = [];
    const clock = this.clock;
    const future = this.future;
    for (const ev of events) {
      this.events++;
      const w = this.weightOf(ev);
      const key = w < 0 ? undefined : this.keyOf(ev);
      const ts = ev.ts;
      // Keys over MAX_KEY_CHARS (far beyond what the event schema admits) are filtered, never thrown on.
      if (key === undefined || key.length > MAX_KEY_CHARS || !Number.isFinite(ts)) { this.filteredEvents++; continue; }
      if (clock.started && future.ahead(ts, this.streamTime())) {
        future.hold({ ev, key, weight: w });
        this.releaseHeld(out);
        continue;
      }
      this.accept(ev, key, w, out);
      // This event may have moved the stream's time close enough to release held ones. They are
      // later than it (they were too far ahead of an earlier time), so none of their buckets closed yet.
      if (future.size > 0) this.releaseHeld(out);
    }
    return opts?.silent ? [] : out;
  }

  /** The stream's time: the newest accepted event time, or the clock given to advanceTo plus lateness. */
  private streamTime(): number {
    const c = this.clock;
    return Math.max(c.maxTs, c.watermark + c.latenessMs);
  }

  private releaseHeld(out: Transition[]): void {
    if (this.future.size === 0) return;
    for (const h of this.future.release(this.streamTime())) this.accept(h.ev, h.key, h.weight, out);
  }

  private accept(ev: HerdEvent, key: string, w: number, out: Transition[]): void {
    const clock = this.clock;
    const ts = ev.ts;
    // The watermark moves per event, never per chunk: that is what makes chunking invisible.
    if (ts > clock.maxTs) {
      const target = clock.observe(ts);
      if (target > clock.lastClosed) this.closeUpTo(target, out);
    }
    const b = clock.bucket(ts);
    if (b <= clock.lastClosed) { this.lateEvents++; return; }
    // A retried or redelivered event (same id, same event time) counts once.
    if (this.ids.seen(ev.id, b)) return;
    const keys = this.keys;
    const slot = keys.intern(key);
    if (slot < 0) { this.filteredEvents++; return; } // 2^26 keys held: no room for another
    if (keys.created) {
      keys.i32[slot * keys.stride + LAST_SEEN] = b;
      this.detector.resetKey(slot, b);
      this.detector.add(slot, b, w, ev);
      return;
    }
    this.place(slot, b, w, ev);
  }

  /**
   * Applies an event of a known key. A key idle this long is treated as new whether or not the
   * sweep has evicted it yet; but that is decided in event time, not by which event arrives
   * first (see IdleHolds).
   */
  private place(slot: number, b: number, w: number, ev: HerdEvent): void {
    const keys = this.keys;
    const at = slot * keys.stride + LAST_SEEN;
    const seen = keys.i32[at]!;
    if (b - seen >= this.idleBuckets) {
      const release = seen + this.idleBuckets - 1;
      if (this.clock.lastClosed < release) { this.idle.hold(slot, release, b, w, ev); return; }
      this.detector.resetKey(slot, b);
    }
    if (b > seen) keys.i32[at] = b;
    this.detector.add(slot, b, w, ev);
    // This event may show that held events of the key do not start it over after all.
    if (this.idle.has(slot)) this.retryHeld(slot);
  }

  private retryHeld(slot: number): void {
    for (const h of this.idle.take(slot)) this.place(slot, h.bucket, h.weight, h.ev);
  }

  advanceTo(eventTime: number, opts?: IngestOptions): Transition[] {
    const out: Transition[] = [];
    if (!Number.isFinite(eventTime)) return out;
    // Held events the new time reaches go first, as if they had arrived in order.
    if (this.future.size > 0 && this.clock.started) {
      for (const h of this.future.release(Math.max(this.streamTime(), eventTime + this.clock.latenessMs))) this.accept(h.ev, h.key, h.weight, out);
    }
    const target = this.clock.raise(eventTime);
    if (target > this.clock.lastClosed) this.closeUpTo(target, out);
    return opts?.silent ? [] : out;
  }

  private closeUpTo(target: number, out: Transition[]): void {
    const clock = this.clock;
    const det = this.detector;
    while (clock.lastClosed < target) {
      const next = clock.lastClosed + 1;
      if (det.quiet()) {
        // Nothing firing or trending and no events before `busy`: those closes decide nothing.
        const skipTo = Math.min(target, det.nextBusy() - 1, this.idle.nextRelease());
        if (skipTo >= next) {
          clock.lastClosed = skipTo;
          this.sweep(skipTo);
          if (this.idle.size > 0) this.releaseIdle(skipTo);
          continue;
        }
      }
      det.close(next, out);
      clock.lastClosed = next;
      this.sweep(next);
      if (this.idle.size > 0) this.releaseIdle(next);
    }
    this.ids.forgetThrough(clock.lastClosed);
  }

  /** Held events whose key's idle gap is now certain (every bucket that could break it has closed). */
  private releaseIdle(closed: number): void {
    for (const slot of this.idle.due(closed)) this.retryHeld(slot);
  }

  /** Evicts idle keys, a slice of the slot space per close, so a full pass takes a few idle periods. */
  private sweep(closed: number): void {
    const keys = this.keys;
    const hw = keys.highWater;
    if (hw === 0) return;
    const budget = Math.max(SWEEP_MIN, Math.ceil((hw * 4) / this.idleBuckets));
    this.detector.sweep(closed, budget);
    const limit = closed - this.idleBuckets;
    for (let n = 0; n < budget && n < hw; n++) {
      const slot = this.sweepHand;
      this.sweepHand = slot + 1 >= hw ? 0 : slot + 1;
      if (!keys.isLive(slot) || keys.i32[slot * keys.stride + LAST_SEEN]! > limit || !this.detector.canEvict(slot) || this.idle.has(slot)) continue;
      this.detector.release(slot);
      keys.remove(slot);
      this.evictedKeys++;
    }
  }

  trending(limit?: number): TrendingSnapshot {
    const d = this.rule.detector;
    const n = Math.max(0, Math.min(limit ?? d.topK, d.topK));
    return {
      ruleUid: this.rule.uid,
      rule: `${this.rule.namespace}/${this.rule.name}`,
      at: this.clock.started ? this.clock.endMs(this.clock.lastClosed) : 0,
      entries: this.detector.trending(n),
    };
  }

  /**
   * surge with priorBy: the weighted count a brand-new key of `group` (e.g. a category) is
   * expected to have in a window now, before site and time-of-day factors; undefined while
   * the group has too few established keys (new keys then get the flat prior).
   */
  priorOf(group: string): number | undefined { return this.detector.priorOf?.(group); }

  get stride(): number { return this.keys.stride; }

  parts(): Record<string, number> {
    const det = this.detector.parts?.() ?? { detector: this.detector.bytes() };
    return { ...this.keys.parts(), ...det, recentIds: this.ids.bytes(), held: this.future.bytes() + this.idle.bytes() };
  }

  stats(): EngineStats {
    return {
      keys: this.keys.size,
      events: this.events,
      lateEvents: this.lateEvents,
      filteredEvents: this.filteredEvents,
      evictedKeys: this.evictedKeys,
      duplicateEvents: this.ids.duplicates,
      futureEvents: this.future.heldEvents,
      droppedFutureEvents: this.future.droppedEvents,
      watermark: this.clock.watermark,
      ...(this.detector.coverage === undefined ? {} : { keysAtMinEvents: this.detector.coverage() }),
      stateBytes: this.keys.bytes() + this.detector.bytes() + this.ids.bytes() + this.future.bytes() + this.idle.bytes(),
    };
  }
}

/**
 * stats().stateBytes by part (key table, key records, the detector's own structures, recent
 * event ids, held events): what the engine benchmark reports as where the bytes per key go.
 */
export function stateParts(engine: RuleEngine): Record<string, number> {
  if (!(engine instanceof Engine)) return {};
  return engine.parts();
}

/** Words per key record of an engine (the key store's stride). */
export function engineStride(engine: RuleEngine): number {
  return engine instanceof Engine ? engine.stride : 0;
}

function createDetector(ctx: DetectorContext): Detector {
  switch (ctx.rule.detector.type) {
    case 'surge': return new SurgeDetector(ctx);
    case 'velocity': return new VelocityDetector(ctx);
    case 'threshold': return new ThresholdDetector(ctx);
    case 'novelty': return new NoveltyDetector(ctx);
  }
}

export function createRuleEngine(rule: CompiledRule, opts?: EngineOptions): RuleEngine {
  return new Engine(rule, opts);
}
