import { describe, expect, it } from 'vitest';
import { KeyStore } from './keystore.js';

describe('KeyStore', () => {
  it('maps each key to one stable slot and back, for ASCII and non-ASCII keys', () => {
    const ks = new KeyStore(5);
    const keys = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `Schuh-ß-${i}-👟` : `sku-${i}`));
    const slots = keys.map((k) => ks.intern(k));
    expect(new Set(slots).size).toBe(keys.length);
    expect(keys.map((k) => ks.intern(k))).toEqual(slots);
    expect(ks.created).toBe(false);
    expect(slots.map((s) => ks.keyOf(s))).toEqual(keys);
    expect(ks.size).toBe(5000);
  });

  it('removes keys, reuses their slots and keeps the others findable', () => {
    const ks = new KeyStore(5);
    const keys = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `a-rather-long-product-id-${i}` : `k${i}`));
    const slots = new Map(keys.map((k) => [k, ks.intern(k)]));
    for (let i = 0; i < keys.length; i += 2) ks.remove(slots.get(keys[i]!)!);
    expect(ks.size).toBe(10_000);
    for (let i = 1; i < keys.length; i += 2) {
      expect(ks.intern(keys[i]!)).toBe(slots.get(keys[i]!));
      expect(ks.created).toBe(false);
    }
    const again = ks.intern(keys[0]!);
    expect(ks.created).toBe(true);
    expect(ks.keyOf(again)).toBe(keys[0]);
    expect(ks.highWater).toBe(20_000); // a freed slot was reused
  });

  it('orders keys by their UTF-8 bytes', () => {
    const ks = new KeyStore(5);
    const [a, b, c] = ['apple', 'apples', 'banana'].map((k) => ks.intern(k)) as [number, number, number];
    expect(ks.compare(a, b)).toBeLessThan(0);
    expect(ks.compare(c, b)).toBeGreaterThan(0);
    expect(ks.compare(a, a)).toBe(0);
  });
});
