import { HwError } from '../errors.js';
import type { HerdEvent, ValueTier } from './schema.js';

/**
 * Value tiers by lower bound: Low < medium ≤ Medium < high ≤ High. The defaults split the
 * sample transaction export (amounts 450–56,000) into mostly Low/Medium with the few large
 * payments High, the same line the "amount above 50,000" rule draws.
 */
export interface ValueTierBounds {
  readonly medium: number;
  readonly high: number;
}

export const DEFAULT_VALUE_TIERS: ValueTierBounds = { medium: 5_000, high: 50_000 };

export interface EnrichOptions {
  /** Receive time, epoch ms: the caller's clock, so tests and replays choose it. */
  readonly now: number;
  readonly tiers?: ValueTierBounds;
}

export function checkTiers(tiers: ValueTierBounds, field = 'tiers'): ValueTierBounds {
  const ok = Number.isFinite(tiers.medium) && Number.isFinite(tiers.high) && tiers.medium >= 0 && tiers.medium <= tiers.high;
  if (!ok) {
    throw new HwError('HW_ERR_CONFIG', { field, expected: '0 ≤ medium ≤ high', message: `value tier bounds medium=${tiers.medium}, high=${tiers.high} are invalid` });
  }
  return tiers;
}

/** The money an event stands for: amount, else price × quantity (quantity 1 when absent). */
export function valueOf(event: Pick<HerdEvent, 'amount' | 'price' | 'quantity'>): number | undefined {
  if (event.amount !== undefined) return event.amount;
  if (event.price !== undefined) return event.price * (event.quantity ?? 1);
  return undefined;
}

export function valueTier(value: number, tiers: ValueTierBounds = DEFAULT_VALUE_TIERS): ValueTier {
  if (value >= tiers.high) return 'High';
  if (value >= tiers.medium) return 'Medium';
  return 'Low';
}

/** Adds receive time and, when the event carries money, its value tier. Returns a new event. */
export function enrich(event: HerdEvent, opts: EnrichOptions): HerdEvent {
  const value = valueOf(event);
  const out: HerdEvent = { ...event, receivedAt: opts.now };
  if (value !== undefined) out.valueTier = valueTier(value, opts.tiers ?? DEFAULT_VALUE_TIERS);
  return out;
}
