import type { HerdEvent } from '../events/schema.js';
import { KEY_WORDS, type KeyStore } from './keystore.js';
import type { CompiledRule, TrendingEntry, Transition } from './types.js';
import type { BucketClock } from './watermark.js';

/** Record word where the engine keeps a key's newest bucket with an event. */
export const LAST_SEEN = KEY_WORDS;
/** Record words used by the key store and the engine; a detector's own words start here. */
export const ENGINE_WORDS = KEY_WORDS + 1;

/** What a detector gets from the engine: the rule, the key store and the bucket clock. */
export interface DetectorContext {
  readonly rule: CompiledRule;
  readonly keys: KeyStore;
  readonly clock: BucketClock;
  /** window / bucket, at least 1. */
  readonly windowBuckets: number;
}

/**
 * One detector type. The engine owns keys, the watermark and eviction; a detector owns its
 * per-key state (typed arrays indexed by slot) and decides at bucket close.
 */
export interface Detector {
  /** Per-slot arrays must hold `capacity` slots. */
  grow(capacity: number): void;
  /** A new key, or one idle long enough to start over, first seen in `bucket`: fresh state. */
  resetKey(slot: number, bucket: number): void;
  /** An accepted (not filtered, not late) event of `slot` in relative bucket `bucket`. */
  add(slot: number, bucket: number, weight: number, ev: HerdEvent): void;
  /** Every event of `bucket` is in: decide, appending transitions in a deterministic order. */
  close(bucket: number, out: Transition[]): void;
  /** Oldest bucket with pending work, or Infinity; closes before it may be skipped when quiet. */
  nextBusy(): number;
  /** True when no key needs evaluating at a close without events (nothing firing or trending). */
  quiet(): boolean;
  /** Whether the key holds nothing that a later decision depends on besides what reset gives. */
  canEvict(slot: number): boolean;
  /** Frees per-key memory of an evicted key. */
  release(slot: number): void;
  /** Incremental housekeeping after a close (e.g. returning unused window rings). */
  sweep(closed: number, budget: number): void;
  /** Minimum idle time (ms) after which a key's state no longer matters. */
  readonly idleMs: number;
  trending(limit: number): TrendingEntry[];
  /** Keys held that could page on their own traffic so far (surge: reached minEvents), when the detector tracks it. */
  coverage?(): number;
  /** surge with priorBy: a new key of `group`'s expected window count now, when its group has a prior. */
  priorOf?(group: string): number | undefined;
  bytes(): number;
  /** bytes() by part, for the benchmark's account of where memory goes (parts sum to bytes()). */
  parts?(): Record<string, number>;
}
