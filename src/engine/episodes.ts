import type { CompiledRule, TrendingEntry, Transition } from './types.js';
import { makeTransition } from './transition.js';
import { formatDuration } from '../config/duration.js';

/** Cap on the event ids one alert carries; the count is still exact. */
export const MAX_EVENT_IDS = 100;

interface Episode {
  readonly key: string;
  readonly onset: number;
  /** End (ms) of the bucket of the newest offending event. */
  lastEnd: number;
  offending: number;
  maxValue: number;
  readonly ids: string[];
  readonly firstReason: string;
  readonly baseline: number;
}

/**
 * Alerts for instantaneous conditions (threshold, novelty). An offending event fires an
 * episode for its key at the event's time; further offending events of that key join it;
 * it resolves at the first bucket close at least `cooldown` after the bucket of the last
 * offending event. One episode per key at a time, so the id `<uid>:<key>:<onset>` is unique.
 */
export class Episodes {
  private readonly open = new Map<number, Episode>();

  constructor(private readonly rule: CompiledRule) {}

  isOpen(slot: number): boolean { return this.open.has(slot); }
  get size(): number { return this.open.size; }

  offend(slot: number, key: string, ev: { id: string; ts: number }, bucketStart: number, bucketEnd: number,
    value: number, baseline: number, reason: string, out: Transition[] | null): void {
    const ep = this.open.get(slot);
    if (ep !== undefined) {
      ep.lastEnd = Math.max(ep.lastEnd, bucketEnd);
      ep.offending++;
      ep.maxValue = Math.max(ep.maxValue, value);
      if (ep.ids.length < MAX_EVENT_IDS) ep.ids.push(ev.id);
      return;
    }
    this.open.set(slot, { key, onset: bucketStart, lastEnd: bucketEnd, offending: 1, maxValue: value, ids: [ev.id], firstReason: reason, baseline });
    out?.push(makeTransition(this.rule, {
      state: 'firing', key, onset: bucketStart, at: ev.ts, value, baseline,
      lift: baseline > 0 ? value / baseline : 0, score: 0, reason, eventIds: [ev.id],
    }));
  }

  /** Resolves episodes quiet for `cooldown` as of `closedEnd` (ms), in the order they fired. */
  close(closedEnd: number, out: Transition[] | null): void {
    const cooldown = this.rule.detector.cooldownMs;
    for (const [slot, ep] of this.open) {
      if (closedEnd < ep.lastEnd + cooldown) continue;
      this.open.delete(slot);
      const more = ep.offending > 1 ? ` (${ep.offending} offending events in this episode)` : '';
      out?.push(makeTransition(this.rule, {
        state: 'resolved', key: ep.key, onset: ep.onset, at: closedEnd, value: ep.maxValue, baseline: ep.baseline,
        lift: ep.baseline > 0 ? ep.maxValue / ep.baseline : 0, score: 0,
        reason: `${ep.firstReason}; nothing further for ${formatDuration(cooldown)}${more}`,
        eventIds: [...ep.ids],
      }));
    }
  }

  entries(): TrendingEntry[] {
    return [...this.open.values()].map((ep) => ({
      key: ep.key, value: ep.maxValue, baseline: ep.baseline, lift: ep.baseline > 0 ? ep.maxValue / ep.baseline : 0, score: 0, firing: true,
    }));
  }

  bytes(): number { return this.open.size * 200; }
}
