/**
 * Event-time buckets and the watermark that closes them.
 *
 * Bucket numbers are kept relative to a base so they fit the Int32 arrays that hold
 * per-key state; the base is fixed when the first event (or advanceTo) arrives and only
 * shifts the representation, never a decision. The watermark is max event time seen −
 * allowed lateness (advanceTo may push it further); bucket b is closed once its end is at
 * or before the watermark, and an event whose bucket is closed is late.
 */
const BASE_MARGIN = 1 << 20;

export class BucketClock {
  private base = Number.NaN;
  maxTs = Number.NEGATIVE_INFINITY;
  watermark = Number.NEGATIVE_INFINITY;
  /** Relative number of the newest closed bucket (NaN before the first watermark). */
  lastClosed = Number.NaN;

  constructor(readonly bucketMs: number, readonly latenessMs: number) {}

  get started(): boolean { return !Number.isNaN(this.base); }

  /** Relative bucket of an event time. */
  bucket(ts: number): number { return Math.floor(ts / this.bucketMs) - this.base; }

  /**
   * The absolute bucket number (event time / bucket) of a relative one. Anything aligned to
   * calendar buckets (groups of buckets, the hour of day) must use it: the base depends on
   * which event arrived first.
   */
  absolute(rel: number): number { return rel + this.base; }

  startMs(rel: number): number { return (rel + this.base) * this.bucketMs; }
  endMs(rel: number): number { return (rel + 1 + this.base) * this.bucketMs; }

  /** Raise the watermark; returns the relative bucket everything up to which must now be closed. */
  raise(wm: number): number {
    if (wm > this.watermark) this.watermark = wm;
    if (!this.started) {
      this.base = Math.floor(this.watermark / this.bucketMs) - BASE_MARGIN;
      this.lastClosed = this.bucket(this.watermark) - 1;
    }
    return this.bucket(this.watermark) - 1;
  }

  /** Note an event time; returns the bucket to close up to. */
  observe(ts: number): number {
    if (ts > this.maxTs) this.maxTs = ts;
    return this.raise(this.maxTs - this.latenessMs);
  }

  /** Buckets that may be open at once plus the window behind them: the size of a key's ring. */
  ringSize(windowBuckets: number): number {
    return windowBuckets + Math.ceil(this.latenessMs / this.bucketMs) + 2;
  }
}
