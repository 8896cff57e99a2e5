/**
 * The surge rule's run: a one-sided Poisson CUSUM per key, kept as the run's weighted count, its
 * expected count, its first bucket and the last bucket it has seen (four words of the key's
 * record), so evidence keeps adding up for as long as a surge lasts instead of being judged in a
 * fixed window.
 *
 * The CUSUM for a lift ρ adds x·ln ρ − (ρ − 1)·μ per bucket (x the bucket's weighted count, μ its
 * expected count) and restarts at 0 when the sum would go below it. Since the run began, that
 * sum is X·ln ρ − (ρ − 1)·E with X the run's count and E its expected count, so the two are all
 * it needs; the sign does not depend on the dispersion φ (which would scale both terms), so
 * neither does the run. μ is the key's baseline rate × the traffic factor (site, time of day)
 * at the close that adds the bucket.
 *
 * A key is only visited in buckets where it has events (or while it fires or trends). Between
 * visits the sum only falls (no events, expected count growing), so checking at a visit whether
 * it fell to 0 in the gap gives the same run as checking every bucket; the gap's expected count
 * is the baseline rate × its length × the mean traffic factor of the newest buckets (a window at
 * most), as known at the visit.
 */
export interface RunState {
  /** Weighted count since `start`; 0 when there is no run. */
  count: number;
  /** Expected weighted count over the same buckets. */
  expected: number;
  /** First bucket of the run. */
  start: number;
  /** Newest bucket the run has taken in (counted or not). */
  last: number;
}

export class RunTracker {
  private readonly lnRho: number;
  private readonly rhoMinus1: number;

  /** `designLift` ρ: the lift the run is tuned to catch soonest; it lives while its lift stays above (ρ − 1)/ln ρ. */
  constructor(readonly designLift: number) {
    this.lnRho = Math.log(designLift);
    this.rhoMinus1 = designLift - 1;
  }

  /** Whether a run with this count and expectation is still above 0. */
  alive(count: number, expected: number): boolean {
    return count * this.lnRho > this.rhoMinus1 * expected;
  }

  /**
   * Moves `run` to bucket `b`, in which the key counted `x`. `expected(n)` is the expected count
   * of the newest n buckets (up to and including b) at this close. A run that fell to 0 in the
   * buckets since the last visit is over; a bucket with events starts a new one.
   */
  advance(run: RunState, b: number, x: number, expected: (buckets: number) => number): void {
    const n = b - run.last;
    // Visits come in bucket order. `last` only matters while there is a run: without one it may
    // even be ahead of b (a new key's first event to arrive can be newer than its first bucket),
    // so it is set, never compared, then.
    run.last = b;
    if (run.count > 0 && n > 0) {
      const e = expected(n);
      if (!this.alive(run.count, run.expected + e - expected(1))) run.count = 0;
      else run.expected += e;
    }
    if (!(x > 0)) return;
    if (run.count === 0) { run.start = b; run.expected = expected(1); }
    run.count += x;
    if (!this.alive(run.count, run.expected)) run.count = 0;
  }

  /** Ends the run (an alert took over, or the key may not page yet). */
  clear(run: RunState, b: number): void {
    run.count = 0;
    run.last = b;
  }
}

/** The lift the run is designed for: the rule's minLift, at least 2 (a run for ×1.2 would never end on noise). */
export function designLiftFor(minLift: number): number {
  return Math.max(2, minLift);
}

/** A run's length for people: 40s, 12m, 12m30s, 2h05m. */
export function formatSpan(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60}m` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const m = Math.floor(s / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
