import { describe, expect, it } from 'vitest';
import { MemoryQueryStore } from '../store/memory.js';
import { TrendMerger } from './materialiser.js';
import { parseTrendKey, trendTombstones } from './trends-retire.js';

const entry = (key: string, score: number, firing = false) => ({ key, value: score * 10, baseline: 10, lift: score, score, firing });

describe('merging per-partition trend snapshots', () => {
  it('keeps the latest per partition and ranks firing keys first, then by score', () => {
    const m = new TrendMerger(3);
    m.add({ ruleUid: 'u', rule: 'ns/r', at: 10, partition: 0, entries: [entry('A', 5), entry('B', 1)] });
    const merged = m.add({ ruleUid: 'u', rule: 'ns/r', at: 20, partition: 1, entries: [entry('C', 2, true), entry('D', 9)] })!;
    expect(merged.entries.map((e) => e.key)).toEqual(['C', 'D', 'A']);
    expect(merged.at).toBe(20);
    // A newer snapshot of partition 0 replaces the older one.
    const next = m.add({ ruleUid: 'u', rule: 'ns/r', at: 30, partition: 0, entries: [entry('E', 3)] })!;
    expect(next.entries.map((e) => e.key)).toEqual(['C', 'D', 'E']);
  });

  it('ignores an older snapshot replayed after a newer one', () => {
    const m = new TrendMerger();
    m.add({ ruleUid: 'u', rule: 'ns/r', at: 30, partition: 0, entries: [entry('A', 1)] });
    expect(m.add({ ruleUid: 'u', rule: 'ns/r', at: 10, partition: 0, entries: [entry('B', 1)] })).toBeUndefined();
  });

  it('drops a partition on its tombstone, and the rule once none is left', () => {
    const m = new TrendMerger();
    m.add({ ruleUid: 'u', rule: 'ns/r', at: 10, partition: 0, entries: [entry('A', 1)] });
    m.add({ ruleUid: 'u', rule: 'ns/r', at: 20, partition: 1, entries: [entry('B', 2)] });
    expect(m.remove('ns/r', 1)).toMatchObject({ rule: 'ns/r', entries: [{ key: 'A' }] });
    expect(m.remove('ns/r', 7)).toBeUndefined();
    expect(m.remove('ns/r', 0)).toBe('gone');
    expect(m.remove('ns/r', 0)).toBeUndefined();
  });
});

describe('trend tombstones', () => {
  it('cover every source partition and the runner\'s -1, keyed as the detector keys snapshots', () => {
    expect(trendTombstones('shop/big', 2)).toEqual([
      { key: 'shop/big#-1', value: null }, { key: 'shop/big#0', value: null }, { key: 'shop/big#1', value: null },
    ]);
    expect(parseTrendKey(Buffer.from('shop/big#-1'))).toEqual({ rule: 'shop/big', partition: -1 });
    expect(parseTrendKey(Buffer.from('nohash'))).toBeUndefined();
  });

  it('take a deleted rule off /trending in the store', async () => {
    const store = new MemoryQueryStore();
    await store.sendTrends({ ruleUid: 'u1', rule: 'shop/big', at: 1, entries: [] });
    await store.sendTrends({ ruleUid: 'u2', rule: 'shop/other', at: 1, entries: [] });
    await store.retireTrends('shop/big');
    expect(store.trending().map((s) => s.rule)).toEqual(['shop/other']);
  });
});
