import type { HerdEvent } from '../events/schema.js';

interface Held { readonly bucket: number; readonly weight: number; readonly ev: HerdEvent }
interface SlotHold { release: number; readonly items: Held[] }

/**
 * Events of keys that may be starting over after an idle gap, held until that is certain.
 *
 * A key whose newest event is in bucket `s` starts over (fresh state) at its next event in
 * bucket b when b − s ≥ the idle span. Arrival order must not decide that: an event of the
 * same key in a still-open bucket between s and s + idle may yet arrive, and then the key was
 * never idle. So an event that would restart its key while any such bucket is open is held
 * here, and retried (in event-time order) once the last of those buckets, s + idle − 1, has
 * closed, or as soon as another event of its key is applied. This only happens when the gap is
 * within the allowed lateness of exactly the idle span, so very few events are ever held.
 */
export class IdleHolds {
  private readonly bySlot = new Map<number, SlotHold>();
  /** Events that were held at least once. */
  heldEvents = 0;

  get size(): number { return this.bySlot.size; }

  has(slot: number): boolean { return this.bySlot.size > 0 && this.bySlot.has(slot); }

  /** Holds an event of `slot` in `bucket` until bucket `release` has closed. */
  hold(slot: number, release: number, bucket: number, weight: number, ev: HerdEvent): void {
    this.heldEvents++;
    const h = this.bySlot.get(slot);
    if (h === undefined) this.bySlot.set(slot, { release, items: [{ bucket, weight, ev }] });
    else { h.release = release; h.items.push({ bucket, weight, ev }); }
  }

  /** Takes a slot's held events, oldest first (ts, then id): the order they are retried in. */
  take(slot: number): Held[] {
    const h = this.bySlot.get(slot);
    if (h === undefined) return [];
    this.bySlot.delete(slot);
    return h.items.sort((a, b) => a.ev.ts - b.ev.ts || (a.ev.id < b.ev.id ? -1 : a.ev.id > b.ev.id ? 1 : 0));
  }

  /** Slots whose release bucket is at or before `closed`. */
  due(closed: number): number[] {
    const out: number[] = [];
    for (const [slot, h] of this.bySlot) if (h.release <= closed) out.push(slot);
    return out.sort((a, b) => a - b);
  }

  /** The earliest release bucket, or Infinity: closes up to it must not be skipped past. */
  nextRelease(): number {
    let r = Number.POSITIVE_INFINITY;
    for (const h of this.bySlot.values()) if (h.release < r) r = h.release;
    return r;
  }

  bytes(): number {
    let n = 0;
    for (const h of this.bySlot.values()) n += 64 + h.items.length * 48;
    return n;
  }
}
