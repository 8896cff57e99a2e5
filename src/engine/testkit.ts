import type { HerdEvent } from '../events/schema.js';
import { compileRule } from '../rules/compile.js';
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
