import type { HerdEvent } from '../events/schema.js';
import { compileRule } from '../rules/compile.js';
import { createRng } from '../sim/prng.js';
import type { HerdRuleSpec } from '../rules/schema.js';
import type { CompiledRule } from './types.js';

/** Test helpers: a compiled rule from a partial spec, and compact events. */
export function testRule(detector: Partial<HerdRuleSpec['detector']> & { type: HerdRuleSpec['detector']['type'] },
  extra: Partial<Omit<HerdRuleSpec, 'detector'>> = {}): CompiledRule {
  const spec = {
    source: {},
    key: 'productId',
    severity: 'warning',
    parallelism: 1,
    paused: false,
    ...extra,
    // relativeTo none unless a test asks: most engine tests look at one key alone.
    detector: { window: '5m', bucket: '10s', allowedLateness: '30s', ...(detector.type === 'surge' ? { relativeTo: 'none' } : {}), ...detector },
  } as HerdRuleSpec;
  return compileRule({ uid: 'u1', namespace: 'shop', name: 'test' }, spec);
}

let seq = 0;
export function ev(ts: number, productId: string, extra: Partial<HerdEvent> = {}): HerdEvent {
  return { id: `e${String(++seq).padStart(8, '0')}`, type: 'view', ts, productId, ...extra };
}

/** `perBucket` events of `key` in every bucket of [from, to), spread evenly. */
export function steady(key: string, from: number, to: number, perMinute: number, extra: Partial<HerdEvent> = {}): HerdEvent[] {
  const out: HerdEvent[] = [];
  const gap = 60_000 / perMinute;
  for (let t = from; t < to; t += gap) out.push(ev(Math.floor(t), key, extra));
  return out;
}

export const T0 = Date.UTC(2026, 0, 1);
export const MIN = 60_000;

/**
 * Poisson arrivals of shoppers at `perMinute(t)` on `key`; each shopper views the product, and
 * half of them on average come back (geometric) within the minute, so counts are overdispersed
 * as in real clickstreams. One in 30 events is a purchase. `peak`: the highest rate (thinning).
 */
export function shoppers(key: string, from: number, to: number, perMinute: (t: number) => number, seed: number, peak = perMinute(from)): HerdEvent[] {
  const rng = createRng(seed);
  const out: HerdEvent[] = [];
  let n = 0;
  for (let t = from; ;) {
    t += (-Math.log(1 - rng.next()) / peak) * MIN;
    if (t >= to) break;
    if (rng.next() * peak >= perMinute(t)) continue;
    const user = `${key}-u${seed}-${++n}`;
    let at = t;
    do {
      out.push(ev(Math.floor(at), key, { userId: user, type: rng.next() < 1 / 30 ? 'purchase' : 'view' }));
      at += rng.next() * 20_000;
    } while (rng.next() < 1 / 3 && at < to);
  }
  return out;
}
