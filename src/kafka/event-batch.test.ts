import { describe, expect, it } from 'vitest';
import { EventSchema, type HerdEvent } from '../events/schema.js';
import { decodeEvents, encodeEvent, encodeEventBatch, encodeEventsRecord, ENCODED_FIELDS, eventCount } from './codec.js';

const T = 1_770_000_000_000;
const full: HerdEvent = {
  id: 'e1', type: 'purchase', ts: T, productId: 'P1', userId: 'ü-ser', sessionId: 's1', category: 'sneakers', region: 'EU',
  location: 'Zürich', paymentMethod: 'card', currency: 'CHF', price: 19.99, quantity: 3, amount: 59.97, count: 2,
  receivedAt: T + 15, valueTier: 'Medium', attrs: { size: 42, colour: 'red', gift: true, promo: false, __proto__x: 'y' },
};

function roundTrip(events: HerdEvent[]): HerdEvent[] {
  const out: HerdEvent[] = [];
  const d = decodeEvents(encodeEventBatch(events), out);
  expect(d).toEqual({ ok: true });
  expect(out).toHaveLength(events.length);
  return out;
}

describe('HWB1 binary event batches', () => {
  it('round-trip every field of every event, in order', () => {
    const events: HerdEvent[] = [
      full,
      { id: 'e2', type: 'view', ts: T - 5000, productId: 'P1' },
      { id: 'e3', type: 'add_to_cart', ts: T + 2 ** 40, productId: 'P2', category: 'sneakers' },
      { id: 'e4', type: 'payment', ts: 0, userId: 'u', attrs: {} },
    ];
    expect(roundTrip(events)).toEqual(events);
  });

  it('carry fractional and huge times exactly (f64 mode)', () => {
    const events: HerdEvent[] = [{ id: 'a', type: 'view', ts: 1.5 }, { id: 'b', type: 'view', ts: 2 ** 60, receivedAt: 3.25 }];
    expect(roundTrip(events)).toEqual(events);
  });

  it('keep an attribute named __proto__ an own property, as JSON does', () => {
    const attrs = JSON.parse('{"__proto__": "x", "a": 1}') as Record<string, string | number>;
    const [e] = roundTrip([{ id: 'p', type: 'view', ts: T, attrs }]);
    expect(Object.getPrototypeOf(e!.attrs)).toBe(Object.prototype);
    expect(Object.keys(e!.attrs!)).toEqual(['__proto__', 'a']);
  });

  it('encode every field an event can have (a new field must be added to the format)', () => {
    const fields = [...Object.keys(EventSchema.properties), 'receivedAt', 'valueTier'];
    expect([...fields].sort()).toEqual([...ENCODED_FIELDS].sort());
    expect(Object.keys(full).sort()).toEqual([...ENCODED_FIELDS].sort());
  });

  it('are smaller than the same events as JSON records', () => {
    const events = Array.from({ length: 100 }, (_, i): HerdEvent => ({ id: `evt-${i}`, type: 'view', ts: T + i * 7, productId: `P${i % 9}`, category: 'sneakers', region: 'EU', receivedAt: T + i * 7 + 3 }));
    const json = events.reduce((n, e) => n + (encodeEvent(e).value as Buffer).length, 0);
    expect(encodeEventBatch(events).length).toBeLessThan(json / 3);
  });

  it('tell how many events they hold without decoding', () => {
    const many = Array.from({ length: 300 }, (_, i): HerdEvent => ({ id: `e${i}`, type: 'view', ts: T }));
    expect(eventCount(encodeEventBatch(many))).toBe(300);
    expect(eventCount(Buffer.from('{"id":"a"}'))).toBe(1);
  });

  it('are keyed by the first event, so the record lands on its partition', () => {
    const m = encodeEventsRecord([{ id: 'a', type: 'view', ts: T, productId: 'P7' }, { id: 'b', type: 'view', ts: T, productId: 'P7' }]);
    expect(m.key).toBe('P7');
  });

  it('read old JSON values too (mixed topics during an upgrade, foreign producers)', () => {
    const out: HerdEvent[] = [];
    expect(decodeEvents(Buffer.from(JSON.stringify({ id: 'j', type: 'view', ts: T })), out)).toEqual({ ok: true });
    expect(out).toEqual([{ id: 'j', type: 'view', ts: T }]);
  });

  it('report every truncation or corruption as malformed, never throw, and add nothing', () => {
    const good = encodeEventBatch([full, { id: 'e2', type: 'view', ts: T, productId: 'P1' }]);
    const out: HerdEvent[] = [{ id: 'keep', type: 'view', ts: 1 }];
    for (let cut = 1; cut < good.length; cut++) {
      const d = decodeEvents(good.subarray(0, cut), out);
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.reason).toBe('binary');
    }
    // Every single-byte corruption either decodes to valid events or is refused.
    for (let i = 1; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i] = bad[i]! ^ 0xff;
      const tmp: HerdEvent[] = [];
      const d = decodeEvents(bad, tmp);
      if (d.ok) for (const e of tmp) expect(Number.isFinite(e.ts) && e.ts >= 0 && typeof e.id === 'string').toBe(true);
      else expect(tmp).toEqual([]);
    }
    expect(out).toEqual([{ id: 'keep', type: 'view', ts: 1 }]);
    const v2 = Buffer.from(good);
    v2[1] = 2;
    const d = decodeEvents(v2, out);
    expect(!d.ok && d.message).toMatch(/version 2/);
  });

  it('refuse an out-of-bounds count, which would poison the site baseline', () => {
    const out: HerdEvent[] = [];
    expect(decodeEvents(encodeEventBatch([{ id: 'c', type: 'view', ts: T, count: 1e300 }]), out).ok).toBe(false);
    expect(decodeEvents(encodeEventBatch([{ id: 'c', type: 'view', ts: T, count: 0.5 }]), out).ok).toBe(false);
    expect(out).toEqual([]);
  });

  it('keep every event the API accepts: count 0 (an observed empty interval) does not throw the record away', () => {
    const out: HerdEvent[] = [];
    const events: HerdEvent[] = [{ id: 'a', type: 'view', ts: T, productId: 'P' }, { id: 'z', type: 'view', ts: T, productId: 'P', count: 0 }];
    expect(decodeEvents(encodeEventBatch(events), out).ok).toBe(true);
    expect(out.map((e) => [e.id, e.count])).toEqual([['a', undefined], ['z', 0]]);
  });
});
