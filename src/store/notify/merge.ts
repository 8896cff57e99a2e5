import type { AlertRecord, AlertTransition, KpiBucket, KpiReport, KpiStep, NotifyState, Sums, TransactionRecord } from './types.js';

/** Pure helpers shared by the MongoDB and in-memory stores, so both answer the same. */

const ORDER: Record<NotifyState, number> = { firing: 0, escalated: 1, resolved: 2 };

export function transitionKey(t: Pick<AlertTransition, 'state' | 'at'>): string {
  return `${t.state}@${t.at}`;
}

/** Adds a transition to an alert (or starts one). A replayed transition changes nothing. */
export function mergeTransition(prev: AlertRecord | undefined, t: AlertTransition, now: number): { record: AlertRecord; changed: boolean } {
  const list = prev ? [...prev.transitions] : [];
  if (list.some((x) => transitionKey(x) === transitionKey(t))) return { record: prev!, changed: false };
  list.push(t);
  list.sort((a, b) => a.at - b.at || ORDER[a.state] - ORDER[b.state]);
  const last = list[list.length - 1]!;
  return {
    changed: true,
    record: {
      id: t.id, rule: t.rule, ruleUid: t.ruleUid, key: t.key, severity: last.severity, detector: t.detector,
      state: last.state, onset: t.onset, firstAt: prev?.firstAt ?? now, lastAt: now, transitions: list,
    },
  };
}

export function minuteOf(ts: number): number {
  return Math.floor(ts / 60_000) * 60_000;
}

const STEP_MS: Record<KpiStep, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

function add(into: Record<string, Sums>, key: string, s: Sums): void {
  const cur = into[key] ?? (into[key] = { revenue: 0, orders: 0 });
  cur.revenue += s.revenue;
  cur.orders += s.orders;
}

export interface KpiGroup extends Sums {
  readonly minute: number;
  readonly tier: string;
  readonly payment: string;
  readonly region: string;
  readonly product: string;
}

/** Folds (minute, tier, payment, region, product) sums — one `$group` — into minute buckets. */
export function foldGroups(groups: Iterable<KpiGroup>): Map<number, KpiBucket> {
  const out = new Map<number, { minute: number; revenue: number; orders: number; byTier: Record<string, Sums>; byPayment: Record<string, Sums>; byRegion: Record<string, Sums>; byProduct: Record<string, Sums> }>();
  for (const g of groups) {
    let b = out.get(g.minute);
    if (!b) out.set(g.minute, (b = { minute: g.minute, revenue: 0, orders: 0, byTier: {}, byPayment: {}, byRegion: {}, byProduct: {} }));
    b.revenue += g.revenue;
    b.orders += g.orders;
    add(b.byTier, g.tier, g);
    add(b.byPayment, g.payment, g);
    add(b.byRegion, g.region, g);
    add(b.byProduct, g.product, g);
  }
  return out;
}

export function groupOf(t: TransactionRecord): KpiGroup {
  return { minute: t.minute, tier: t.valueTier, payment: t.paymentMethod, region: t.region, product: t.productId ?? 'unknown', revenue: t.amount, orders: 1 };
}

function top(m: Record<string, Sums>, n: number): ({ key: string } & Sums)[] {
  return Object.entries(m).map(([key, s]) => ({ key, revenue: s.revenue, orders: s.orders }))
    .sort((a, b) => b.revenue - a.revenue || b.orders - a.orders || a.key.localeCompare(b.key)).slice(0, n);
}

/** Minute rollups → the API's report, re-bucketed by `step`, with top products and regions over the range. */
export function report(minutes: readonly KpiBucket[], step: KpiStep, topN = 10): KpiReport {
  const size = STEP_MS[step];
  const buckets = new Map<number, { minute: number; revenue: number; orders: number; byTier: Record<string, Sums>; byPayment: Record<string, Sums>; byRegion: Record<string, Sums> }>();
  const products: Record<string, Sums> = {};
  const regions: Record<string, Sums> = {};
  for (const m of [...minutes].sort((a, b) => a.minute - b.minute)) {
    const start = Math.floor(m.minute / size) * size;
    let b = buckets.get(start);
    if (!b) buckets.set(start, (b = { minute: start, revenue: 0, orders: 0, byTier: {}, byPayment: {}, byRegion: {} }));
    b.revenue += m.revenue;
    b.orders += m.orders;
    for (const [k, s] of Object.entries(m.byTier)) add(b.byTier, k, s);
    for (const [k, s] of Object.entries(m.byPayment)) add(b.byPayment, k, s);
    for (const [k, s] of Object.entries(m.byRegion)) { add(b.byRegion, k, s); add(regions, k, s); }
    for (const [k, s] of Object.entries(m.byProduct)) add(products, k, s);
  }
  return { minutes: [...buckets.values()], topProducts: top(products, topN), topRegions: top(regions, topN) };
}

/** Cursor = base64url of the last row's (lastAt, id), newest first. */
export function encodeCursor(lastAt: number, id: string): string {
  return Buffer.from(JSON.stringify([lastAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { lastAt: number; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return { lastAt: v[0], id: v[1] };
  } catch {
    // fall through
  }
  return undefined;
}

export function ruleMatch(rule: string, query: string | undefined): boolean {
  return query === undefined || query === '' || rule === query || rule.slice(rule.indexOf('/') + 1) === query;
}

export function silenceMatches(s: { alertId?: string; rule?: string; key?: string }, a: { id: string; rule: string; key: string }): boolean {
  if (s.alertId !== undefined) return s.alertId === a.id;
  if (s.rule !== undefined && !ruleMatch(a.rule, s.rule)) return false;
  if (s.key !== undefined && s.key !== a.key) return false;
  return s.rule !== undefined || s.key !== undefined;
}
