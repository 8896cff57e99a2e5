import type { HerdEvent } from '../events/schema.js';

export interface Buffered { readonly slot: number; readonly ev: HerdEvent }

/**
 * Events of the open buckets, held until their bucket closes, for the per-event detectors
 * (velocity, threshold, novelty). They are handed out in (ts, id) order, so the decision
 * never depends on arrival order within the allowed lateness.
 */
export class EventBuffer {
  private readonly byBucket = new Map<number, Buffered[]>();
  private held = 0;

  add(bucket: number, slot: number, ev: HerdEvent): void {
    let list = this.byBucket.get(bucket);
    if (list === undefined) this.byBucket.set(bucket, (list = []));
    list.push({ slot, ev });
    this.held++;
  }

  take(bucket: number): Buffered[] {
    const list = this.byBucket.get(bucket);
    if (list === undefined) return [];
    this.byBucket.delete(bucket);
    this.held -= list.length;
    return list.sort(byTsThenId);
  }

  nextBusy(): number {
    let b = Number.POSITIVE_INFINITY;
    for (const k of this.byBucket.keys()) if (k < b) b = k;
    return b;
  }

  /** Rough bytes held (a reference and a small record per event). */
  bytes(): number { return this.held * 48; }
}

function byTsThenId(a: Buffered, b: Buffered): number {
  if (a.ev.ts !== b.ev.ts) return a.ev.ts - b.ev.ts;
  return a.ev.id < b.ev.id ? -1 : a.ev.id > b.ev.id ? 1 : 0;
}
