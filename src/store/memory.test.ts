import { describe, expect, it } from 'vitest';
import type { Transition } from '../engine/types.js';
import { MemoryQueryStore } from './memory.js';
import { ruleMatches, type StoreEvent } from './types.js';

const t = (id: string, state: 'firing' | 'resolved' = 'firing'): Transition => ({
  id, state, ruleUid: 'u', rule: 'shop/r', detector: 'surge', severity: 'info', key: 'k', onset: 0, at: 0, value: 0, baseline: 0, lift: 0, score: 0, reason: '',
});

describe('MemoryQueryStore', () => {
  it('is idempotent by id and state, and tells subscribers only about new transitions', async () => {
    const store = new MemoryQueryStore();
    const seen: StoreEvent[] = [];
    store.subscribe((e) => seen.push(e));
    await store.sendAlerts([t('a'), t('a'), t('a', 'resolved')]);
    await store.sendAlerts([t('a')]);
    expect(store.alerts().map((x) => x.state)).toEqual(['resolved', 'firing']);
    expect(seen).toHaveLength(2);
  });

  it('keeps a bounded number of recent transitions', async () => {
    const store = new MemoryQueryStore({ capacity: 3 });
    await store.sendAlerts(['a', 'b', 'c', 'd'].map((id) => t(id)));
    expect(store.alerts().map((x) => x.id)).toEqual(['d', 'c', 'b']);
  });

  it('matches rules by namespace/name or by name', () => {
    expect(ruleMatches('shop/r', 'r')).toBe(true);
    expect(ruleMatches('shop/r', 'shop/r')).toBe(true);
    expect(ruleMatches('shop/r', 'other/r')).toBe(false);
    expect(ruleMatches('shop/r', undefined)).toBe(true);
  });
});
