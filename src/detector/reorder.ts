import type { HerdEvent } from '../events/schema.js';

/**
 * A bounded reorder buffer: holds up to `capacity` events in a min-heap by event time and
 * releases the earliest once it is full, so a file that is sorted "almost" (within that many
 * events) comes out in event-time order, in constant memory. Events more out of order than
 * that come out as they are, and the engine counts them late if its watermark passed them.
 */
export class ReorderBuffer {
  private readonly heap: { e: HerdEvent; seq: number }[] = [];
  private seq = 0;

  constructor(private readonly capacity = 100_000) {}

  get size(): number {
    return this.heap.length;
  }

  /** Adds events; returns those released, in event-time order (stable for equal times). */
  push(events: readonly HerdEvent[]): HerdEvent[] {
    const out: HerdEvent[] = [];
    for (const e of events) {
      this.insert({ e, seq: this.seq++ });
      if (this.heap.length > this.capacity) out.push(this.pop());
    }
    return out;
  }

  /** Everything left, in event-time order. */
  drain(): HerdEvent[] {
    const out: HerdEvent[] = [];
    while (this.heap.length > 0) out.push(this.pop());
    return out;
  }

  private less(a: { e: HerdEvent; seq: number }, b: { e: HerdEvent; seq: number }): boolean {
    return a.e.ts < b.e.ts || (a.e.ts === b.e.ts && a.seq < b.seq);
  }

  private insert(x: { e: HerdEvent; seq: number }): void {
    const h = this.heap;
    let i = h.push(x) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): HerdEvent {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top.e;
  }
}
