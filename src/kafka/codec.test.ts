import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { decodeEvent, decodeEvents, decodeTransition, encodeEvent, eventKey } from './codec.js';

const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('event messages', () => {
  it('are keyed by product, then user, then id', () => {
    expect(eventKey({ id: 'e1', type: 'view', ts: 1, productId: 'P1', userId: 'U1' })).toBe('P1');
    expect(eventKey({ id: 'e1', type: 'purchase', ts: 1, userId: 'U1' })).toBe('U1');
    expect(eventKey({ id: 'e1', type: 'view', ts: 1 })).toBe('e1');
  });

  it('round-trip through the wire format', () => {
    const e = { id: 'e1', type: 'view' as const, ts: 1_700_000_000_000, productId: 'P1', attrs: { size: 42 } };
    const m = encodeEvent(e);
    expect(decodeEvent(m.value as Buffer)).toEqual({ ok: true, value: e });
  });

  it.each([
    [null, 'empty'],
    ['{"id": "e1", ', 'json'],
    ['[1,2]', 'shape'],
    [{ type: 'view', ts: 1 }, 'shape'],
    [{ id: 'e1', type: 'teleport', ts: 1 }, 'type'],
    [{ id: 'e1', type: 'view', ts: '2025-01-01T00:00:00Z' }, 'timestamp'],
    [{ id: 'e1', type: 'view', ts: -5 }, 'timestamp'],
  ])('reports a malformed message %j as %s instead of throwing', (value, reason) => {
    const d = decodeEvent(value === null ? null : buf(value));
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toBe(reason);
  });
});

describe('alert messages', () => {
  it('ignore values that are not transitions', () => {
    expect(decodeTransition(buf('nope'))).toBeUndefined();
    expect(decodeTransition(buf({ id: 'a', state: 'maybe', rule: 'r' }))).toBeUndefined();
    expect(decodeTransition(buf({ id: 'a', state: 'firing', rule: 'ns/r' }))?.id).toBe('a');
  });
});

describe('foreign JSON event messages', () => {
  it.each([1e300, -1, -3, 2.5, '7', 1_000_000_001])('refuse count %j: one message must not poison the site-wide baseline', (count) => {
    const d = decodeEvent(buf({ id: 'e1', type: 'view', ts: 1, productId: 'P', count }));
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toBe('shape');
  });

  it.each([0, 1, 1_000_000_000])('accept count %j, within the bounds the API accepts (0: an observed empty interval)', (count) => {
    expect(decodeEvent(buf({ id: 'e1', type: 'view', ts: 1, count })).ok).toBe(true);
  });
});

describe('the future bound of a JSON event (its record time plus the allowed skew)', () => {
  it.each([2e12, 1e300])('refuse ts %j past the bound as future, without throwing', (ts) => {
    const out: HerdEvent[] = [];
    const d = decodeEvents(buf({ id: 'e1', type: 'view', ts, productId: 'P' }), out, 1e12);
    expect(d.ok ? 'ok' : d.reason).toBe('future');
    expect(out).toEqual([]);
  });

  it('accept ts up to the bound', () => {
    const out: HerdEvent[] = [];
    expect(decodeEvents(buf({ id: 'e1', type: 'view', ts: 1e12, productId: 'P' }), out, 1e12).ok).toBe(true);
    expect(out).toHaveLength(1);
  });
});
