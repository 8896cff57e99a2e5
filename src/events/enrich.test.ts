import { describe, expect, it } from 'vitest';
import { DEFAULT_VALUE_TIERS, enrich, checkTiers, type HerdEvent } from './index.js';

const base: HerdEvent = { id: 'e', type: 'purchase', ts: 1 };

describe('enrich', () => {
  it('adds the receive time and a value tier from amount with the documented default bounds', () => {
    const tiers = [4999, 5000, 49_999.99, 50_000, 56_000].map((amount) => enrich({ ...base, amount }, { now: 42 }));
    expect(tiers.map((e) => e.valueTier)).toEqual(['Low', 'Medium', 'Medium', 'High', 'High']);
    expect(tiers.every((e) => e.receivedAt === 42)).toBe(true);
    expect(DEFAULT_VALUE_TIERS).toEqual({ medium: 5000, high: 50_000 });
  });

  it('uses price × quantity when there is no amount, and no tier when there is no money', () => {
    expect(enrich({ ...base, price: 2000, quantity: 3 }, { now: 0 }).valueTier).toBe('Medium');
    expect(enrich({ ...base, price: 2000 }, { now: 0 }).valueTier).toBe('Low');
    expect(enrich({ ...base, type: 'view' }, { now: 0 })).toEqual({ ...base, type: 'view', receivedAt: 0 });
  });

  it('takes configurable bounds and does not modify its input', () => {
    const e = { ...base, amount: 100 };
    expect(enrich(e, { now: 0, tiers: { medium: 10, high: 100 } }).valueTier).toBe('High');
    expect(e).toEqual({ ...base, amount: 100 });
    expect(() => checkTiers({ medium: 10, high: 5 })).toThrow(/HW_ERR_CONFIG/);
  });
});
