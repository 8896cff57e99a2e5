import type { HerdEvent } from '../events/schema.js';

/**
 * Guard against one event dragging the watermark into the future. The watermark is the
 * newest event time minus lateness, so a single event stamped 2099 would close every bucket
 * and make all later traffic late. An event more than `skewMs` ahead of the stream's time
 * (the newest accepted event time, or the clock given to advanceTo plus lateness) is held
 * here instead of moving the watermark. It is released, in time order, when
 *  - the stream's time catches up to within `skewMs` of it (traffic or advanceTo), or
 *  - CORROBORATE held events within `skewMs` of each other agree that the stream really
 *    jumped (traffic resuming after a tracking gap, a replay of sparse data): the earliest
 *    such group is released, so one or two bogus far-future events can never move it, and
 *    real traffic resuming is not held back by them.
 * Held events beyond MAX_HELD are dropped, farthest first, and counted.
 */
export const CORROBORATE = 3;
export const MAX_HELD = 1024;
/** Default: events more than an hour ahead of the stream's time need corroboration. */
export const DEFAULT_FUTURE_SKEW_MS = 3_600_000;

export interface HeldEvent { readonly ev: HerdEvent; readonly key: string; readonly weight: number }

export class FutureGuard {
  private held: HeldEvent[] = [];
  /** Events that were held at least once (they did not move the watermark on arrival). */
  heldEvents = 0;
  /** Held events dropped because the buffer was full (the farthest ahead go first). */
  droppedEvents = 0;

  constructor(readonly skewMs: number) {}

  get size(): number { return this.held.length; }

  /** Whether `ts` is too far ahead of `anchor` (the stream's time) to move the watermark alone. */
  ahead(ts: number, anchor: number): boolean { return ts > anchor + this.skewMs; }

  hold(h: HeldEvent): void {
    this.heldEvents++;
    this.held.push(h);
    if (this.held.length > MAX_HELD) {
      this.held.sort((a, b) => a.ev.ts - b.ev.ts);
      this.held.pop();
      this.droppedEvents++;
    }
  }

  /**
   * Held events that may now be processed, oldest first: those within skew of `anchor`, and
   * those up to skew past the earliest CORROBORATE held events that lie within skew of each other.
   */
  release(anchor: number): HeldEvent[] {
    if (this.held.length === 0) return [];
    const held = this.held.sort((a, b) => a.ev.ts - b.ev.ts);
    let limit = anchor + this.skewMs;
    for (let i = 0; i + CORROBORATE - 1 < held.length; i++) {
      const last = held[i + CORROBORATE - 1]!.ev.ts;
      if (last - held[i]!.ev.ts <= this.skewMs) { limit = Math.max(limit, last + this.skewMs); break; }
    }
    let n = 0;
    while (n < held.length && held[n]!.ev.ts <= limit) n++;
    if (n === 0) return [];
    const out = held.slice(0, n);
    this.held = held.slice(n);
    return out;
  }

  bytes(): number { return this.held.length * 200; }
}
