import { valueOf, valueTier, DEFAULT_VALUE_TIERS, type ValueTierBounds } from '../events/enrich.js';
import type { HerdEvent } from '../events/schema.js';
import { minuteOf } from '../store/notify/merge.js';
import type { NotifierStore, TransactionRecord } from '../store/notify/types.js';

/**
 * Purchases and payments become transactions (the enriched event plus the fields KPIs group
 * by), and each minute they touch is rolled up again from the stored transactions: the
 * rollup is a recomputation, not an increment, so a replayed batch cannot count twice.
 */
export function toTransaction(e: HerdEvent, tiers: ValueTierBounds = DEFAULT_VALUE_TIERS): TransactionRecord | undefined {
  if (e.type !== 'purchase' && e.type !== 'payment') return undefined;
  const amount = valueOf(e);
  if (amount === undefined) return undefined;
  return {
    id: e.id, ts: e.ts, minute: minuteOf(e.ts), amount,
    paymentMethod: e.paymentMethod ?? 'unknown',
    // The sample export has cities, not regions: a location stands in for the region.
    region: e.region ?? e.location ?? 'unknown',
    valueTier: e.valueTier ?? valueTier(amount, tiers),
    ...(e.userId ? { userId: e.userId } : {}), ...(e.productId ? { productId: e.productId } : {}),
    ...(e.location ? { location: e.location } : {}), ...(e.receivedAt !== undefined ? { receivedAt: e.receivedAt } : {}),
    event: e,
  };
}

export async function storeTransactions(store: NotifierStore, events: readonly HerdEvent[], tiers?: ValueTierBounds): Promise<number> {
  const rows = events.map((e) => toTransaction(e, tiers)).filter((r): r is TransactionRecord => r !== undefined);
  if (rows.length === 0) return 0;
  const minutes = await store.insertTransactions(rows);
  await store.rollup(minutes);
  return rows.length;
}
