import type { KpiBucket, Sums } from './types.js';

/**
 * KPI maps are stored as arrays of {k, revenue, orders}: region names and product ids are
 * data, and data must not become field names (a dot or a leading `$` would break the write).
 */
type Pairs = { k: string; revenue: number; orders: number }[];
export interface KpiDoc {
  _id: number;
  revenue: number;
  orders: number;
  byTier: Pairs;
  byPayment: Pairs;
  byRegion: Pairs;
  byProduct: Pairs;
  expireAt?: Date;
}

const pairs = (m: Readonly<Record<string, Sums>>): Pairs => Object.entries(m).map(([k, s]) => ({ k, revenue: s.revenue, orders: s.orders }));
const map = (p: Pairs): Record<string, Sums> => Object.fromEntries(p.map((x) => [x.k, { revenue: x.revenue, orders: x.orders }]));

export function toKpiDoc(b: KpiBucket): Omit<KpiDoc, '_id'> {
  return { revenue: b.revenue, orders: b.orders, byTier: pairs(b.byTier), byPayment: pairs(b.byPayment), byRegion: pairs(b.byRegion), byProduct: pairs(b.byProduct) };
}

export function fromKpiDoc(d: KpiDoc): KpiBucket {
  return { minute: d._id, revenue: d.revenue, orders: d.orders, byTier: map(d.byTier), byPayment: map(d.byPayment), byRegion: map(d.byRegion), byProduct: map(d.byProduct) };
}
