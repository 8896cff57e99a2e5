import { createRng } from './prng.js';
import { SURGE_SHAPES, type SurgeShape, type SurgeSpec } from './types.js';

/** Default length of each shape: flash sales are short, the rest last an hour. */
export const SHAPE_DURATION_MS: Readonly<Record<SurgeShape, number>> = {
  step: 60 * 60_000,
  ramp: 60 * 60_000,
  viral: 60 * 60_000,
  flash_sale: 20 * 60_000,
};

export interface SurgePlanOptions {
  readonly seed: number;
  readonly products: number;
  /** Surges may start from here… */
  readonly from: number;
  /** …and must be over by here. */
  readonly until: number;
  readonly shapes?: readonly SurgeShape[];
  readonly multipliers?: readonly number[];
  /** Popularity deciles to draw products from, 1 = most popular. Default 1–10. */
  readonly deciles?: readonly number[];
  /** Surges per (shape, multiplier, decile) cell. Default 1. */
  readonly perCell?: number;
  /** Per-decile override of perCell, e.g. more surges where products are busy enough to score. */
  readonly perDecile?: Readonly<Record<number, number>>;
  readonly durationMs?: Partial<Record<SurgeShape, number>>;
}

/**
 * A reproducible schedule of surges: every shape × multiplier × decile, each on a distinct
 * product drawn at random within its popularity decile, at a random time in [from, until).
 */
export function planSurges(p: SurgePlanOptions): SurgeSpec[] {
  const rng = createRng(p.seed, 7);
  const shapes = p.shapes ?? SURGE_SHAPES;
  const multipliers = p.multipliers ?? [1.5, 2, 3, 5, 10];
  const deciles = p.deciles ?? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const perCell = p.perCell ?? 1;
  const used = new Set<number>();
  const out: SurgeSpec[] = [];
  for (const decile of deciles) {
    const lo = Math.floor(((decile - 1) * p.products) / 10);
    const hi = Math.max(lo + 1, Math.floor((decile * p.products) / 10));
    for (const shape of shapes) {
      for (const multiplier of multipliers) {
        for (let k = 0; k < (p.perDecile?.[decile] ?? perCell); k++) {
          const rank = pickUnused(lo, hi, used, () => lo + rng.int(hi - lo));
          if (rank === undefined) continue;
          const durationMs = p.durationMs?.[shape] ?? SHAPE_DURATION_MS[shape];
          const latest = p.until - durationMs;
          if (latest <= p.from) continue;
          const start = Math.floor(p.from + rng.next() * (latest - p.from));
          out.push({ rank, shape, multiplier, start, durationMs });
        }
      }
    }
  }
  return out.sort((a, b) => a.start - b.start || a.rank - b.rank);
}

function pickUnused(lo: number, hi: number, used: Set<number>, draw: () => number): number | undefined {
  for (let attempt = 0; attempt < 64; attempt++) {
    const r = draw();
    if (!used.has(r)) {
      used.add(r);
      return r;
    }
  }
  for (let r = lo; r < hi; r++) {
    if (!used.has(r)) {
      used.add(r);
      return r;
    }
  }
  return undefined;
}
