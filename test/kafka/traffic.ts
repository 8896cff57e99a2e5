import type { HerdEvent } from '../../src/events/schema.js';
import { mulberry32 } from '../../src/sim/prng.js';
import { compileRule, validateRuleSpec } from '../../src/rules/index.js';
import type { CompiledRule } from '../../src/engine/types.js';

/** A small seeded generator (mulberry32): the same traffic on every run. */
export const prng = mulberry32;

export interface SurgePlan {
  readonly start: number;
  readonly minutes: number;
  readonly products: number;
  /** Mean events per product per 10 s bucket. */
  readonly perBucket: number;
  readonly surges: readonly { product: string; fromMin: number; toMin: number; factor: number }[];
  readonly seed?: number;
}

/** Steady views on every product with small noise, and some products surging for a few minutes each. */
export function surgeTraffic(p: SurgePlan): HerdEvent[] {
  const rnd = prng(p.seed ?? 7);
  const out: HerdEvent[] = [];
  const buckets = p.minutes * 6;
  let n = 0;
  for (let b = 0; b < buckets; b++) {
    const minute = b / 6;
    for (let i = 0; i < p.products; i++) {
      const productId = `P${i}`;
      const surge = p.surges.find((s) => s.product === productId && minute >= s.fromMin && minute < s.toMin);
      const mean = p.perBucket * (surge ? surge.factor : 1);
      const count = Math.max(0, Math.round(mean + (rnd() - 0.5) * 2));
      for (let k = 0; k < count; k++) {
        const ts = p.start + b * 10_000 + Math.floor(rnd() * 10_000);
        // Shoppers, not anonymous hits: a herd is many people (the surge rule's minActors).
        out.push({ id: `e${++n}`, type: rnd() < 0.85 ? 'view' : 'add_to_cart', ts, productId, category: 'sneakers', userId: `u${n % 997}` });
      }
    }
  }
  return out.sort((a, b) => a.ts - b.ts);
}

export function surgeRule(name = 'test-surge'): CompiledRule {
  const spec = validateRuleSpec({
    source: { eventTypes: ['view', 'add_to_cart'] },
    key: 'productId',
    weights: { view: 1, add_to_cart: 3 },
    // relativeTo none: the tests compare the detector with ONE engine over all events, and the
    // site factor is partition-local by design (a handful of test keys per partition is no site).
    detector: { type: 'surge', window: '2m', bucket: '10s', baselineHalfLife: '10m', minEvents: 30, minLift: 3, sensitivity: 4, cooldown: '10m', relativeTo: 'none' },
    severity: 'warning',
  });
  return compileRule({ uid: `uid-${name}`, namespace: 'test', name }, spec);
}

/**
 * One view per partition at `ts`, on keys that land on each partition: moves every
 * partition's watermark past the end of the traffic, like later traffic would, without
 * relying on the wall clock.
 */
export function watermarkEvents(ts: number, partitions: number, partitionOf: (key: string) => number): HerdEvent[] {
  const out: HerdEvent[] = [];
  const covered = new Set<number>();
  for (let i = 0; covered.size < partitions && i < 10_000; i++) {
    const key = `W${i}`;
    const p = partitionOf(key);
    if (covered.has(p)) continue;
    covered.add(p);
    out.push({ id: `w${i}`, type: 'view', ts, productId: key });
  }
  return out;
}
