/**
 * The limit no detector beats: a one-sided CUSUM that knows a product's rate before (λ0) and
 * after (m·λ0) a step, on the same weighted bucket counts the rule sees. Weighted counts of a
 * compound Poisson stream are treated as Poisson after dividing by their dispersion φ (the
 * ratio of variance to mean), so x/φ has the variance of a Poisson count with mean λ/φ.
 * Per bucket the CUSUM adds the log-likelihood ratio x/φ·ln m − (m − 1)·λ0/φ and alarms at h.
 * Its false-alarm rate is set to the rule's: with an average run length of e^h buckets between
 * false alarms (Wald's bound, tight for small increments), h = ln(buckets per false alert).
 */
export function cusumThreshold(falseAlertsPerProductDay: number, bucketMs: number): number {
  const perDay = 86_400_000 / bucketMs;
  const rate = Math.max(falseAlertsPerProductDay, 1e-4); // at most one per 10,000 product-days
  return Math.log(perDay / rate);
}

/**
 * Buckets until the oracle CUSUM alarms on `counts` (weighted counts per bucket from the step
 * on); undefined when it never does within them.
 */
export function oracleBuckets(counts: ArrayLike<number>, lambda0: number, multiplier: number, phi: number, h: number): number | undefined {
  if (!(multiplier > 1) || !(lambda0 > 0)) return undefined;
  const up = Math.log(multiplier) / phi;
  const drift = ((multiplier - 1) * lambda0) / phi;
  let s = 0;
  for (let i = 0; i < counts.length; i++) {
    s = Math.max(0, s + counts[i]! * up - drift);
    if (s >= h) return i + 1;
  }
  return undefined;
}
