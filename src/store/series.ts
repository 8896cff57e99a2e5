import { keyReader, weigher } from '../engine/fields.js';
import type { CompiledRule, Transition } from '../engine/types.js';
import type { HerdEvent } from '../events/schema.js';

export interface SeriesPoint {
  /** Bucket end, event time ms. */
  readonly t: number;
  /** Weighted count in this bucket. */
  readonly bucket: number;
  /** Weighted count in the window ending with this bucket (what a surge compares). */
  readonly window: number;
}

export interface KeySeries {
  readonly points: SeriesPoint[];
  readonly byType: Record<string, number>;
  readonly byRegion: Record<string, number>;
  readonly product?: { name?: string; category?: string };
}

/**
 * One key's weighted counts per bucket under one rule, from the recent-event history: the
 * drill-down chart. `hours` before the newest event the key has (or `until`) are covered;
 * buckets with nothing in them are zero, so the line drops where the traffic did.
 */
export function keySeries(events: Iterable<HerdEvent>, rule: CompiledRule, key: string, hours: number, until?: number): KeySeries {
  const weight = weigher(rule);
  const keyOf = keyReader(rule.key);
  const bucketMs = rule.detector.bucketMs;
  const perBucket = new Map<number, number>();
  const byType: Record<string, number> = {};
  const byRegion: Record<string, number> = {};
  let product: { name?: string; category?: string } | undefined;
  let newest = Number.NEGATIVE_INFINITY;
  const mine: HerdEvent[] = [];
  for (const e of events) {
    if (keyOf(e) !== key) continue;
    const w = weight(e);
    if (w < 0) continue;
    mine.push(e);
    if (e.ts > newest) newest = e.ts;
  }
  const end = until ?? newest;
  if (!Number.isFinite(end)) return { points: [], byType, byRegion };
  const from = end - hours * 3_600_000;
  for (const e of mine) {
    if (e.ts < from || e.ts > end) continue;
    const b = Math.floor(e.ts / bucketMs) * bucketMs;
    perBucket.set(b, (perBucket.get(b) ?? 0) + weight(e));
    byType[e.type] = (byType[e.type] ?? 0) + (e.count ?? 1);
    if (e.region) byRegion[e.region] = (byRegion[e.region] ?? 0) + (e.count ?? 1);
    const name = typeof e.attrs?.productName === 'string' ? e.attrs.productName : typeof e.attrs?.name === 'string' ? e.attrs.name : undefined;
    if (!product && (e.category || name)) product = { ...(name ? { name } : {}), ...(e.category ? { category: e.category } : {}) };
  }
  const points: SeriesPoint[] = [];
  const windowBuckets = Math.max(1, Math.round(rule.detector.windowMs / bucketMs));
  const firstBucket = Math.floor(from / bucketMs) * bucketMs;
  const lastBucket = Math.floor(end / bucketMs) * bucketMs;
  // At most a few thousand points: coarser buckets than the rule's would hide the onset,
  // so the range is cut instead (the caller bounds `hours`).
  // Nor does it start long before the key's first event held (a fresh `dev` has no older history).
  const oldest = mine.reduce((m, e) => (e.ts >= from && e.ts < m ? e.ts : m), Number.POSITIVE_INFINITY);
  const firstHeld = Math.floor(oldest / bucketMs) * bucketMs - windowBuckets * bucketMs;
  const start = Math.max(firstBucket, firstHeld, lastBucket - 4_000 * bucketMs);
  const recent: number[] = [];
  let sum = 0;
  for (let b = start - (windowBuckets - 1) * bucketMs; b <= lastBucket; b += bucketMs) {
    const c = perBucket.get(b) ?? 0;
    recent.push(c);
    sum += c;
    if (recent.length > windowBuckets) sum -= recent.shift()!;
    if (b >= start) points.push({ t: b + bucketMs, bucket: c, window: Math.round(sum * 1000) / 1000 });
  }
  return { points, byType, byRegion, ...(product ? { product } : {}) };
}

/** The rule and key an alert id names: `<rule uid>:<key>:<onset ms>`, the uid matched against known rules. */
export function parseAlertId(id: string, rules: readonly CompiledRule[]): { rule: CompiledRule; key: string; onset: number } | undefined {
  const lastColon = id.lastIndexOf(':');
  const onset = Number(id.slice(lastColon + 1));
  if (lastColon < 0 || !Number.isFinite(onset)) return undefined;
  const head = id.slice(0, lastColon);
  const rule = [...rules].sort((a, b) => b.uid.length - a.uid.length).find((r) => head.startsWith(`${r.uid}:`));
  return rule ? { rule, key: head.slice(rule.uid.length + 1), onset } : undefined;
}

/** Transitions of one key under one rule, oldest first. */
export function keyTransitions(all: readonly Transition[], rule: CompiledRule, key: string): Transition[] {
  return all.filter((t) => t.ruleUid === rule.uid && t.key === key).sort((a, b) => a.at - b.at);
}
