/**
 * Scoring alerts against the simulator's ground truth. Pure functions, so the numbers in
 * docs/benchmarks.md can be checked by hand on a small case (metrics.test.ts).
 */

export interface FiredAlert {
  readonly id: string;
  readonly key: string;
  /** Event time at which the alert fired. */
  readonly at: number;
  /** What the engine saw, for diagnosing false alerts: window count, expected count, lift, score. */
  readonly detail?: { readonly value: number; readonly baseline: number; readonly lift: number; readonly score: number };
}

export interface TruthSurge {
  readonly id: string;
  readonly productId: string;
  readonly shape: string;
  readonly multiplier: number;
  readonly decile: number;
  readonly start: number;
  readonly end: number;
  /** The product's expected weighted events per minute without the surge, at its start. */
  readonly baselinePerMinute: number;
  /** Counts towards the recall target (≥ 3× on a product with ≥ 1 weighted event/min of baseline). */
  readonly eligible: boolean;
  /** Part of it falls in a tracking gap (nothing recorded then), so part or all of it cannot be seen. */
  readonly inGap?: boolean;
}

export interface DecoyPeriod {
  readonly kind: string;
  /** A decoy on one product (one shopper, a bot, its own rise): only alerts on it count. */
  readonly productId?: string;
  readonly start: number;
  readonly end: number;
}

export interface MatchOptions {
  /** An alert up to this long after a surge ends still belongs to it (the window is still full of it). */
  readonly graceMs: number;
  /** Alerts before this are cold-start alerts: reported, but not scored as false alerts. */
  readonly evaluateFrom: number;
  /** End of the simulated traffic. */
  readonly evaluateUntil: number;
  /**
   * Traffic in [from, to), in any unit: noise pages more where there is more traffic, so the
   * background is a rate per unit of traffic. Plain duration when absent.
   */
  readonly exposure?: (from: number, to: number) => number;
  /** Products in the catalogue: a product decoy's background is one product's share of the rate. */
  readonly products?: number;
}

/** False alerts inside one kind of decoy window against what the background rate predicts there. */
export interface DecoyTally {
  readonly kind: string;
  readonly inside: number;
  /** Hours covered by this kind's windows (with grace), within the scored span. */
  readonly hours: number;
  /** False alerts the rate outside every decoy window (per unit of traffic) predicts for them. */
  readonly expected: number;
  /** Product decoys injected of this kind (absent for site-wide kinds). */
  readonly count?: number;
}

export interface SurgeOutcome {
  readonly surge: TruthSurge;
  readonly detected: boolean;
  /** From surge start to the first firing, ms. */
  readonly delayMs: number | undefined;
  readonly firings: number;
}

export interface MatchResult {
  readonly outcomes: SurgeOutcome[];
  /** Alerts that point at a real surge (including repeats for the same surge). */
  readonly matched: number;
  /** Second and later firings for one surge: correct, but a second page. */
  readonly duplicates: number;
  readonly falseAlerts: FiredAlert[];
  /** False alerts that fired inside (or within graceMs after) a decoy period. */
  readonly decoyAlerts: { readonly alert: FiredAlert; readonly decoy: string }[];
  readonly warmupAlerts: FiredAlert[];
  readonly decoyTally: DecoyTally[];
}

/** An alert matches a surge on the same key when it fires in [start, end + grace]. */
export function matchAlerts(alerts: readonly FiredAlert[], surges: readonly TruthSurge[], decoys: readonly DecoyPeriod[], o: MatchOptions): MatchResult {
  const byKey = new Map<string, TruthSurge[]>();
  for (const s of surges) byKey.set(s.productId, [...(byKey.get(s.productId) ?? []), s]);
  const firings = new Map<string, FiredAlert[]>();
  const falseAlerts: FiredAlert[] = [];
  const warmupAlerts: FiredAlert[] = [];
  let matched = 0;
  for (const a of [...alerts].sort((x, y) => x.at - y.at)) {
    const s = byKey.get(a.key)?.find((c) => a.at >= c.start && a.at <= c.end + o.graceMs);
    if (s) {
      matched++;
      firings.set(s.id, [...(firings.get(s.id) ?? []), a]);
    } else if (a.at < o.evaluateFrom) {
      warmupAlerts.push(a);
    } else {
      falseAlerts.push(a);
    }
  }
  const outcomes = surges.map((surge): SurgeOutcome => {
    const f = firings.get(surge.id) ?? [];
    return { surge, detected: f.length > 0, delayMs: f[0] ? f[0].at - surge.start : undefined, firings: f.length };
  });
  const decoyAlerts = falseAlerts.flatMap((alert) => {
    const d = decoys.find((w) => (w.productId === undefined || w.productId === alert.key) && alert.at >= w.start && alert.at <= w.end + o.graceMs);
    return d ? [{ alert, decoy: d.kind }] : [];
  });
  const duplicates = outcomes.reduce((n, x) => n + Math.max(0, x.firings - 1), 0);
  return { outcomes, matched, duplicates, falseAlerts, decoyAlerts, warmupAlerts, decoyTally: tallyDecoys(falseAlerts, decoyAlerts, decoys, o) };
}

/**
 * A false alert inside a decoy window is not necessarily caused by it: noise pages at
 * some rate all day. Comparing with the rate outside every decoy window separates the two.
 */
function tallyDecoys(falseAlerts: readonly FiredAlert[], inDecoy: MatchResult['decoyAlerts'], decoys: readonly DecoyPeriod[], o: MatchOptions): DecoyTally[] {
  const HOUR = 3_600_000;
  const exposure = o.exposure ?? ((a: number, b: number) => b - a);
  const clip = (d: DecoyPeriod): [number, number] => [Math.max(o.evaluateFrom, d.start), Math.min(o.evaluateUntil, d.end + o.graceMs)];
  const windows = (ds: readonly DecoyPeriod[]) => merge(ds.map(clip).filter(([a, b]) => b > a));
  const sum = (ivs: readonly [number, number][], f: (a: number, b: number) => number) => ivs.reduce((n, [a, b]) => n + f(a, b), 0);
  const siteWide = decoys.filter((d) => d.productId === undefined);
  const outside = exposure(o.evaluateFrom, o.evaluateUntil) - sum(windows(siteWide), exposure);
  const background = outside > 0 ? (falseAlerts.length - inDecoy.length) / outside : 0;
  return [...new Set(decoys.map((d) => d.kind))].map((kind) => {
    const of = decoys.filter((d) => d.kind === kind);
    if (of.some((d) => d.productId !== undefined)) {
      // Per product: each window is one product's, so the background is one product's share.
      const ivs = of.map(clip).filter(([a, b]) => b > a);
      return {
        kind,
        inside: inDecoy.filter((x) => x.decoy === kind).length,
        hours: sum(ivs, (a, b) => b - a) / HOUR,
        expected: (background * sum(ivs, exposure)) / Math.max(1, o.products ?? 1),
        count: of.length,
      };
    }
    const ivs = windows(of);
    return {
      kind,
      inside: inDecoy.filter((x) => x.decoy === kind).length,
      hours: sum(ivs, (a, b) => b - a) / HOUR,
      expected: background * sum(ivs, exposure),
    };
  });
}

function merge(ivs: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of [...ivs].sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Alerts that point at a real surge over all scored alerts (cold-start alerts excluded); 1 when nothing fired. */
export function precision(r: Pick<MatchResult, 'matched' | 'falseAlerts'>): number {
  const total = r.matched + r.falseAlerts.length;
  return total === 0 ? 1 : r.matched / total;
}

export interface RecallRow {
  readonly surges: number;
  readonly detected: number;
  /** NaN when there are no surges in the group. */
  readonly recall: number;
  readonly medianDelayMs: number | undefined;
  readonly p90DelayMs: number | undefined;
}

export function recallOf(outcomes: readonly SurgeOutcome[]): RecallRow {
  const detected = outcomes.filter((o) => o.detected);
  const delays = detected.map((o) => o.delayMs!);
  return {
    surges: outcomes.length,
    detected: detected.length,
    recall: outcomes.length === 0 ? Number.NaN : detected.length / outcomes.length,
    medianDelayMs: percentile(delays, 50),
    p90DelayMs: percentile(delays, 90),
  };
}

/** Nearest-rank percentile: the smallest value with at least p% of values at or below it. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** False alerts per 10,000 product-days: the rate a shop of any size can compare. */
export function falsePer10kProductDays(falseAlerts: number, products: number, days: number): number {
  return (falseAlerts / (products * days)) * 10_000;
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** P(X ≥ k) for X ~ Poisson(mean): is a count of alerts more than background noise? */
export function poissonTail(k: number, mean: number): number {
  if (k <= 0) return 1;
  let term = Math.exp(-mean);
  let below = term;
  for (let i = 1; i < k; i++) {
    term *= mean / i;
    below += term;
  }
  return Math.max(0, 1 - below);
}
