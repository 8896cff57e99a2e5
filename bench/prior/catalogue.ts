import type { HerdEvent } from '../../src/events/schema.js';
import { createRng, type Rng } from '../../src/sim/prng.js';

/**
 * A sparse catalogue whose categories differ (the simulator's categories are drawn at random
 * and all look alike, so they cannot show what a category prior is worth). Known truth:
 *
 * - CATEGORIES categories, each with a typical rate per product, log-uniform between 0.02 and
 *   3 views a minute (most of the catalogue below one event a minute, a long tail);
 * - ESTABLISHED products per category from the start, and LAUNCHES new ones per category at
 *   random times after two hours; every product's rate is its category's × gamma(4)/4 (CV 0.5);
 * - a third of the launches are hot: 10× their own rate for their first 30 minutes (a herd
 *   that should page); the rest launch at their ordinary rate (nothing to page).
 * Views only, each from one of 200,000 shoppers, Poisson per 10-second slice.
 */
export const CATEGORIES = 40;
export const ESTABLISHED = 25;
export const LAUNCHES = 10;
export const SPAN_MS = 10 * 3_600_000;
export const HOT_FACTOR = 10;
export const HOT_MS = 30 * 60_000;
const SLICE_MS = 10_000;
const SHOPPERS = 200_000;

export interface Launch {
  readonly productId: string;
  readonly category: string;
  readonly at: number;
  /** Ordinary weighted events per minute. */
  readonly perMinute: number;
  readonly hot: boolean;
}

export interface SparseCatalogue {
  readonly events: HerdEvent[];
  readonly launches: readonly Launch[];
  readonly products: number;
  readonly start: number;
}

function gamma4(rng: Rng): number {
  // Sum of 4 exponentials / 4: gamma(shape 4, mean 1).
  let s = 0;
  for (let i = 0; i < 4; i++) s -= Math.log(1 - rng.next());
  return s / 4;
}

function poisson(rng: Rng, mean: number): number {
  // Knuth's product method: means here are far below 30 per slice.
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.next(); p > limit; p *= rng.next()) k++;
  return k;
}

export function sparseCatalogue(seed: number, start: number): SparseCatalogue {
  const rng = createRng(seed);
  const events: HerdEvent[] = [];
  const launches: Launch[] = [];
  let n = 0;
  const emit = (productId: string, category: string, from: number, to: number, perMinute: (t: number) => number) => {
    for (let t = from - (from % SLICE_MS); t < to; t += SLICE_MS) {
      const k = poisson(rng, (perMinute(t) * SLICE_MS) / 60_000);
      for (let i = 0; i < k; i++) {
        const ts = Math.max(from, t + Math.floor(rng.next() * SLICE_MS));
        events.push({ id: `c${seed}-${n++}`, type: 'view', ts, productId, category, userId: `u${rng.int(SHOPPERS)}` });
      }
    }
  };
  for (let c = 0; c < CATEGORIES; c++) {
    const category = `cat-${c}`;
    const typical = 0.02 * Math.pow(3 / 0.02, rng.next());
    for (let p = 0; p < ESTABLISHED; p++) {
      const r = typical * gamma4(rng);
      emit(`${category}-p${p}`, category, start, start + SPAN_MS, () => r);
    }
    for (let p = 0; p < LAUNCHES; p++) {
      const at = start + 2 * 3_600_000 + Math.floor(rng.next() * 6 * 3_600_000);
      const r = typical * gamma4(rng);
      const hot = rng.next() < 1 / 3;
      const productId = `${category}-new${p}`;
      launches.push({ productId, category, at, perMinute: r, hot });
      emit(productId, category, at, start + SPAN_MS, (t) => (hot && t < at + HOT_MS ? HOT_FACTOR * r : r));
    }
  }
  events.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
  return { events, launches, products: CATEGORIES * (ESTABLISHED + LAUNCHES), start };
}
