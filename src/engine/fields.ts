import type { HerdEvent } from '../events/schema.js';
import type { CompiledRule } from './types.js';

export type FieldValue = string | number | boolean | undefined;
export type FieldReader = (e: HerdEvent) => FieldValue;

const fromAttrs = (e: HerdEvent, name: string): FieldValue => e.attrs?.[name];

/**
 * A reader for a top-level event field, else `attrs[name]`. Common fields get a monomorphic
 * closure: the hot path reads `e.productId`, not `e[name]`, which V8 optimises far better.
 */
export function fieldReader(name: string): FieldReader {
  switch (name) {
    case 'productId': return (e) => e.productId ?? fromAttrs(e, name);
    case 'userId': return (e) => e.userId ?? fromAttrs(e, name);
    case 'sessionId': return (e) => e.sessionId ?? fromAttrs(e, name);
    case 'category': return (e) => e.category ?? fromAttrs(e, name);
    case 'region': return (e) => e.region ?? fromAttrs(e, name);
    case 'location': return (e) => e.location ?? fromAttrs(e, name);
    case 'paymentMethod': return (e) => e.paymentMethod ?? fromAttrs(e, name);
    case 'amount': return (e) => e.amount ?? fromAttrs(e, name);
    case 'id': return (e) => e.id;
    case 'type': return (e) => e.type;
    default: return (e) => {
      const top = (e as unknown as Record<string, unknown>)[name];
      if (typeof top === 'string' || typeof top === 'number' || typeof top === 'boolean') return top;
      return fromAttrs(e, name);
    };
  }
}

/** The key as a string; undefined (event filtered) when absent or empty. */
export function keyReader(name: string): (e: HerdEvent) => string | undefined {
  const read = fieldReader(name);
  return (e) => {
    const v = read(e);
    if (typeof v === 'string') return v.length > 0 ? v : undefined;
    return v === undefined ? undefined : String(v);
  };
}

/** A finite number from a numeric field (numeric strings count too); NaN when absent. */
export function numberReader(name: string): (e: HerdEvent) => number {
  const read = fieldReader(name);
  return (e) => {
    const v = read(e);
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '') return Number(v);
    return Number.NaN;
  };
}

/**
 * Weights are rounded to 1/1024 so that sums of weights are exact in float64 and therefore
 * independent of the order events arrive in (0.1 + 0.2 depends on order; 102/1024 + 205/1024 does not).
 */
export function quantiseWeight(w: number): number {
  return Math.round(w * 1024) / 1024;
}

/** Rule filter (event types, `match`) and weight: weight ≥ 0 when the event counts, −1 when filtered. */
export function weigher(rule: CompiledRule): (e: HerdEvent) => number {
  const types = rule.eventTypes;
  const weights = new Map<string, number>();
  for (const [t, w] of Object.entries(rule.weights)) weights.set(t, quantiseWeight(w));
  const dflt = quantiseWeight(rule.defaultWeight);
  const matchers = rule.match
    ? [...rule.match].map(([field, values]) => ({ read: fieldReader(field), values }))
    : [];
  const weigh = (e: HerdEvent): number => {
    if (types !== null && !types.has(e.type)) return -1;
    for (const m of matchers) {
      const v = m.read(e);
      if (v === undefined || !m.values.has(String(v))) return -1;
    }
    const w = weights.get(e.type) ?? dflt;
    const c = e.count;
    return c === undefined ? w : w * c;
  };
  if (rule.weightBy === 'quantity') {
    const byEvent = weigh;
    // Units: a purchase of three weighs three purchases. Quantities are integers, so sums stay exact.
    return (e) => {
      const w = byEvent(e);
      const q = e.quantity;
      return w <= 0 || q === undefined || !(q > 0) ? w : w * q;
    };
  }
  return weigh;
}
