import { describe, expect, it } from 'vitest';
import { TrendMerger } from './materialiser.js';

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
});
