/**
 * The limit no detector beats: a one-sided CUSUM that knows a product's rate before (λ0) and
 * after (m·λ0) a step, on the same weighted bucket counts the rule sees. Weighted counts of a
 * compound Poisson stream are treated as Poisson after dividing by their dispersion φ (the
 * ratio of variance to mean), so x/φ has the variance of a Poisson count with mean λ/φ.
 * Per bucket the CUSUM adds the log-likelihood ratio (for a step x/φ·ln m − (m − 1)·λ0/φ) and alarms at h.
 * Its false-alarm rate is set to the rule's: with an average run length of e^h buckets between
 * false alarms (Wald's bound, tight for small increments), h = ln(buckets per false alert).
 */
export function cusumThreshold(falseAlertsPerProductDay: number, bucketMs: number): number {
  const perDay = 86_400_000 / bucketMs;
  const rate = Math.max(falseAlertsPerProductDay, 1e-4); // at most one per 10,000 product-days
  return Math.log(perDay / rate);
}

/**
 * Buckets until the oracle CUSUM alarms on `counts` (weighted counts per bucket from the surge's
 * start on), knowing each bucket's expected count without the surge (`before`) and with it
 * (`after`): per bucket it adds (x·ln(after/before) − (after − before))/φ, the log-likelihood
 * ratio of the two. For a step that is x/φ·ln m − (m − 1)·λ0/φ; a ramp or a viral rise is judged
 * against the rate it has reached. Undefined when it never alarms within them.
 */
export function oracleBuckets(counts: ArrayLike<number>, before: ArrayLike<number>, after: ArrayLike<number>, phi: number, h: number): number | undefined {
  let s = 0;
  for (let i = 0; i < counts.length; i++) {
    const b = before[i]!;
    const a = after[i]!;
    if (!(b > 0) || !(a > b)) continue; // nothing to tell apart (a tracking gap, or the surge's own end)
    s = Math.max(0, s + (counts[i]! * Math.log(a / b) - (a - b)) / phi);
    if (s >= h) return i + 1;
  }
  return undefined;
}
