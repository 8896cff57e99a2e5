/**
 * The rule's hour-of-day (daily) or hour-of-week (weekly) traffic profile, learnt from its own
 * site-wide counts, so a baseline can know that noon is busier than 4 am.
 *
 * For each slot (an hour of the day, UTC, or of the week) it keeps the decayed sum of counts A
 * and of buckets B seen in that slot; a slot's history halves every HALF_LIFE_PERIODS days (or
 * weeks). The profile value of a slot is its mean rate over the mean rate of all slots, shrunk
 * towards 1 by one period's worth of flat prior (so a new rule starts flat and learns over a few
 * days), clamped to [1/8, 8] and normalised to average 1.
 *
 * Determinism: a bucket must always be scaled by the same factor, whenever it is folded (at a
 * close, or later when a key's cell is reused, which depends on arrival order). So the profile
 * in force for a day is a snapshot, taken when the site's in-order fold reaches `lead` buckets
 * before that day starts, and kept for `keepDays` days.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const HALF_LIFE_PERIODS = 7;
/** The flat prior weighs a quarter of one visit of a slot: a day of traffic mostly teaches the profile. */
export const PRIOR_VISITS = 4;
export const MIN_FACTOR = 1 / 8;
export const MAX_FACTOR = 8;

export type Seasonality = 'none' | 'daily' | 'weekly';

export class SeasonProfile {
  readonly slots: number;
  private readonly bucketsPerSlot: number;
  private readonly periodBuckets: number;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly period: Float64Array;
  private readonly decay: number;
  private readonly snapshots = new Map<number, Float64Array>();
  private nextDay = Number.NaN;
  private latest: Float64Array;

  constructor(kind: Exclude<Seasonality, 'none'>, private readonly bucketMs: number, private readonly lead: number,
    private readonly keepDays: number) {
    this.slots = kind === 'daily' ? 24 : 168;
    this.bucketsPerSlot = HOUR / bucketMs;
    this.periodBuckets = (this.slots * HOUR) / bucketMs;
    this.a = new Float64Array(this.slots);
    this.b = new Float64Array(this.slots);
    this.period = new Float64Array(this.slots).fill(Number.NaN);
    this.decay = Math.pow(0.5, 1 / HALF_LIFE_PERIODS);
    this.latest = new Float64Array(this.slots).fill(1);
  }

  /** Slot of absolute bucket t (its start's hour of the day or week, UTC; 1 Jan 1970 was a Thursday, slot 0 of a week is Thursday 00:00). */
  private slotOf(t: number): number { return Math.floor(t / this.bucketsPerSlot) % this.slots; }
  private dayOf(t: number): number { return Math.floor((t * this.bucketMs) / DAY); }
  private snapAt(day: number): number { return Math.floor((day * DAY) / this.bucketMs) - this.lead; }

  /**
   * The factor for absolute bucket t, from the snapshot of its day: the profile interpolated
   * linearly between the centres of the slots around the bucket's middle, so a sharp rise at the
   * turn of an hour is not a step of a whole slot.
   */
  factor(t: number): number {
    const snap = this.snapshots.get(this.dayOf(t)) ?? this.latest;
    const pos = (t + 0.5) / this.bucketsPerSlot - 0.5;
    const s0 = Math.floor(pos);
    const frac = pos - s0;
    const n = this.slots;
    const i = ((s0 % n) + n) % n;
    return (1 - frac) * snap[i]! + frac * snap[i + 1 === n ? 0 : i + 1]!;
  }

  /** Notes `n` consecutive buckets from absolute bucket `t`, each with count `x` (in fold order). */
  observe(t: number, n: number, x: number): void {
    let at = t;
    const end = t + n;
    if (Number.isNaN(this.nextDay)) this.nextDay = this.dayOf(t);
    while (at < end) {
      while (this.snapAt(this.nextDay) <= at) this.snapshot();
      const slotEnd = Math.ceil((Math.floor(at / this.bucketsPerSlot) + 1) * this.bucketsPerSlot);
      const stop = Math.min(end, slotEnd, this.snapAt(this.nextDay));
      const k = stop - at;
      const s = this.slotOf(at);
      const p = Math.floor(at / this.periodBuckets);
      const last = this.period[s]!;
      if (last !== p) {
        if (!Number.isNaN(last)) { const f = Math.pow(this.decay, p - last); this.a[s]! *= f; this.b[s]! *= f; }
        this.period[s] = p;
      }
      this.a[s]! += x * k;
      this.b[s]! += k;
      at = stop;
    }
  }

  private snapshot(): void {
    const day = this.nextDay;
    const p = this.profile();
    this.snapshots.set(day, p);
    this.latest = p;
    this.snapshots.delete(day - this.keepDays);
    this.nextDay = day + 1;
  }

  /** The current profile: per-slot mean over the overall mean, shrunk to 1, clamped, averaging 1. */
  private profile(): Float64Array {
    const out = new Float64Array(this.slots).fill(1);
    let sa = 0, sb = 0;
    for (let s = 0; s < this.slots; s++) { sa += this.a[s]!; sb += this.b[s]!; }
    if (!(sa > 0) || !(sb > 0)) return out;
    const mean = sa / sb;
    const n0 = this.bucketsPerSlot / PRIOR_VISITS;
    let total = 0;
    for (let s = 0; s < this.slots; s++) {
      const m = (this.a[s]! + n0 * mean) / (this.b[s]! + n0);
      out[s] = Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, m / mean));
      total += out[s]!;
    }
    const norm = this.slots / total;
    for (let s = 0; s < this.slots; s++) out[s]! *= norm;
    return out;
  }

  bytes(): number { return this.slots * 24 + (this.snapshots.size + 1) * this.slots * 8; }
}

/** A profile for the rule, or null when it has none (seasonality none, or buckets over an hour). */
export function seasonProfile(kind: Seasonality, bucketMs: number, lead: number, idleMs: number): SeasonProfile | null {
  if (kind === 'none' || bucketMs > HOUR) return null;
  return new SeasonProfile(kind, bucketMs, lead, Math.ceil(idleMs / DAY) + 2);
}
