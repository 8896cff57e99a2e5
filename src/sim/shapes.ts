import type { SurgeShape, SurgeSpec } from './types.js';

/** The extra traffic of a flash sale converts better: people come to buy. */
export interface Funnel {
  /** Cumulative probabilities: u < view → view; u < cart → add_to_cart; else purchase. */
  readonly view: number;
  readonly cart: number;
}

/** About 96.7% views, 2.5% add-to-cart, 0.8% purchases, as in public clickstream data. */
export const ORGANIC_FUNNEL: Funnel = { view: 0.967, cart: 0.992 };
export const FLASH_SALE_FUNNEL: Funnel = { view: 0.9, cart: 0.96 };

export function funnelFor(shape: SurgeShape): Funnel {
  return shape === 'flash_sale' ? FLASH_SALE_FUNNEL : ORGANIC_FUNNEL;
}

export function riseOf(s: SurgeSpec): number {
  if (s.shape === 'step' || s.shape === 'flash_sale') return 0;
  return Math.min(s.durationMs, s.riseMs ?? Math.round(s.durationMs / 3));
}

/**
 * Multiple of the product's normal rate at event time t (1 outside the surge).
 * step and flash_sale jump to the peak; ramp rises linearly; viral grows exponentially
 * from 1× (slow at first, which is what makes it hard to catch early).
 */
export function surgeMultiplier(s: SurgeSpec, t: number): number {
  if (t < s.start || t >= s.start + s.durationMs) return 1;
  const rise = riseOf(s);
  const into = t - s.start;
  if (rise === 0 || into >= rise) return s.multiplier;
  const f = into / rise;
  if (s.shape === 'ramp') return 1 + (s.multiplier - 1) * f;
  return Math.exp(Math.log(s.multiplier) * f);
}
