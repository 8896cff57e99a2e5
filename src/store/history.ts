import type { HerdEvent } from '../events/schema.js';

/**
 * The most recent events in arrival order, bounded by count: what `dev` and
 * `api --bus memory` keep so the web app can draw a key's counts, site traffic per minute
 * and run backtests without Kafka. Oldest events are dropped first.
 */
export class EventHistory {
  private readonly ring: (HerdEvent | undefined)[];
  private next = 0;
  private filled = 0;
  private total = 0;

  constructor(readonly capacity = 300_000) {
    this.ring = new Array<HerdEvent | undefined>(Math.max(1, capacity));
  }

  add(events: Iterable<HerdEvent>): void {
    for (const e of events) {
      this.ring[this.next] = e;
      this.next = (this.next + 1) % this.ring.length;
      if (this.filled < this.ring.length) this.filled++;
      this.total++;
    }
  }

  get size(): number {
    return this.filled;
  }

  /** Events ever added (including those already dropped). */
  get added(): number {
    return this.total;
  }

  /** Oldest first. */
  *events(): Generator<HerdEvent> {
    const start = this.filled < this.ring.length ? 0 : this.next;
    for (let i = 0; i < this.filled; i++) yield this.ring[(start + i) % this.ring.length]!;
  }

  /** Newest event time held (ms), or undefined when empty. */
  latestEventTime(): number | undefined {
    let max: number | undefined;
    for (const e of this.events()) if (max === undefined || e.ts > max) max = e.ts;
    return max;
  }
}
