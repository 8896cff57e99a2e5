import type { HerdEvent } from '../events/schema.js';

export type SurgeShape = 'step' | 'ramp' | 'viral' | 'flash_sale';
export const SURGE_SHAPES: readonly SurgeShape[] = ['step', 'ramp', 'viral', 'flash_sale'];

/** A surge to inject on one product. */
export interface SurgeSpec {
  /** Popularity rank of the product, 0 = most popular. */
  readonly rank: number;
  readonly shape: SurgeShape;
  /** Peak multiple of the product's normal rate (1.5–10 in the benchmarks). */
  readonly multiplier: number;
  /** Event time (ms) the extra traffic begins. */
  readonly start: number;
  /** How long the surge lasts, ms. */
  readonly durationMs: number;
  /** ramp: time to reach the peak; viral: time for exponential growth from 1x to the peak. Default a third of the duration. */
  readonly riseMs?: number;
}

/** A site-wide surge: every product ×multiplier (Black Friday opening). Must not page per product. */
export interface SiteWideDecoy {
  /** site_wide: every product ×multiplier; tracking_gap: the same with multiplier 0 (nothing recorded), then recovery. */
  readonly kind: 'site_wide' | 'tracking_gap';
  readonly start: number;
  readonly durationMs: number;
  readonly multiplier: number;
}

/**
 * A decoy on one product that must not page:
 * - one_shopper: one user views it twice and buys four within a minute;
 * - bot: one session views it once a second for `durationMs`;
 * - dominant_rise: the product's own traffic rises 3× over `durationMs` (a morning rise of one
 *   dominant product that the rest of the site does not share) and stays there.
 */
export interface ProductDecoy {
  readonly kind: 'one_shopper' | 'bot' | 'dominant_rise';
  readonly rank: number;
  readonly start: number;
  readonly durationMs: number;
}

export interface Seasonality {
  /** Relative swing of the day curve: rate = mean × (1 + amplitude·cos(…)); 0.5 gives a 3× peak-to-trough day. */
  readonly amplitude: number;
  /** Hour of day (UTC) of the daily peak. */
  readonly peakHourUtc: number;
}

export interface SimOptions {
  /** Same seed, same traffic. */
  readonly seed: number;
  /** Number of products (10^4–10^6). Default 10,000. */
  readonly products?: number;
  /** Zipf exponent of product popularity. Default 1. */
  readonly zipfExponent?: number;
  /** Mean site-wide events per second over a day, before decoys and surges. Default 100. */
  readonly eventsPerSecond?: number;
  /** Event time (ms) the simulation starts at. Default 0. */
  readonly start?: number;
  /** Daily curve; `false` for a flat day. Default amplitude 0.5, peak 20:00 UTC. */
  readonly seasonality?: Seasonality | false;
  readonly surges?: readonly SurgeSpec[];
  readonly decoys?: readonly SiteWideDecoy[];
  readonly productDecoys?: readonly ProductDecoy[];
  /**
   * Overdispersion: each organic arrival brings on average this many more events of the same
   * user on the same product within the next minute (a geometric number: compound Poisson, so
   * counts vary more than Poisson). Default 0 (plain Poisson).
   */
  readonly clusterMean?: number;
  /** Weekly rhythm: traffic on Saturday and Sunday (UTC) × this. Default 1. */
  readonly weekendFactor?: number;
  /** Distinct users. Default 100,000. */
  readonly users?: number;
  /** Prefix of event ids, so several simulators can feed one pipeline. Default `sim<seed>`. */
  readonly idPrefix?: string;
}

/** A surge the simulator injected: the ground truth alerts are scored against. */
export interface InjectedSurge {
  readonly id: string;
  readonly productId: string;
  readonly rank: number;
  /** Popularity decile, 1 = the most popular tenth of products. */
  readonly decile: number;
  readonly shape: SurgeShape;
  readonly multiplier: number;
  readonly start: number;
  readonly end: number;
  /** When the multiplier first reaches its peak. */
  readonly peakAt: number;
  /** The product's mean events/s over a day without the surge. */
  readonly baselineEventsPerSecond: number;
}

/** A period in which alerts would be false by construction. */
export interface DecoyWindow {
  readonly kind: 'daily_peak' | 'site_wide' | 'tracking_gap' | ProductDecoy['kind'];
  /** For a product decoy: the product; only alerts on it count. */
  readonly productId?: string;
  readonly start: number;
  readonly end: number;
  readonly multiplier: number;
}

export interface SimProduct {
  readonly id: string;
  readonly rank: number;
  readonly decile: number;
  readonly category: string;
  readonly price: number;
  /** Mean events/s over a day (seasonality averages to 1), no surges or decoys. */
  readonly baselineEventsPerSecond: number;
}

export interface Simulator {
  readonly options: Readonly<Required<Omit<SimOptions, 'seasonality' | 'idPrefix' | 'productDecoys' | 'clusterMean' | 'weekendFactor'>>>
    & { readonly productDecoys: readonly ProductDecoy[]; readonly clusterMean: number; readonly weekendFactor: number } & { readonly seasonality: Seasonality | false; readonly idPrefix: string };
  /** All events with event time < ts, in time order; advances an internal cursor. */
  eventsUntil(ts: number): HerdEvent[];
  /** Event time up to which events have been handed out. */
  readonly cursor: number;
  readonly truth: readonly InjectedSurge[];
  /** The daily peaks and site-wide decoys within [start, until). */
  decoyWindows(until: number): DecoyWindow[];
  readonly productCount: number;
  product(rank: number): SimProduct;
  rankOf(productId: string): number | undefined;
  /** Site-wide rate factor at ts from the day curve and decoys (1 = mean day rate). */
  siteFactor(ts: number): number;
  /** Expected weight of one organic event under the given weights (missing types weigh `defaultWeight`). */
  meanWeight(weights: Readonly<Record<string, number>>, defaultWeight?: number): number;
  /**
   * A product's expected weighted events per minute at ts, everything included: day curve, site-wide decoys and tracking
   * gaps, its surges and its own rise (not one-shopper or bot decoys). What an oracle that knows the truth expects.
   */
  expectedWeightedPerMinute(rank: number, weights: Readonly<Record<string, number>>, ts: number): number;
  /** A product's expected weighted events per minute without surges, at ts (or the day mean when ts is omitted). */
  baselineWeightedPerMinute(rank: number, weights: Readonly<Record<string, number>>, ts?: number): number;
}
