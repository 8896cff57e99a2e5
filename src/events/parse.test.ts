import { describe, expect, it } from 'vitest';
import { parseEvents, readNdjson } from './index.js';

const TS = '2025-09-30T10:05:00Z';
const MS = Date.UTC(2025, 8, 30, 10, 5);

describe('parseEvents', () => {
  it('accepts a JSON array, normalising ts to epoch ms and keeping given ids', () => {
    const body = JSON.stringify([
      { id: 'e1', type: 'view', ts: TS, productId: 'p1' },
      { id: 'e2', type: 'purchase', ts: MS + 1000, productId: 'p1', price: 10, quantity: 2 },
    ]);
    const { events, rejected } = parseEvents(body, 'application/json');
    expect(rejected).toEqual([]);
    expect(events).toEqual([
      { id: 'e1', type: 'view', ts: MS, productId: 'p1' },
      { id: 'e2', type: 'purchase', ts: MS + 1000, productId: 'p1', price: 10, quantity: 2 },
    ]);
  });

  it('accepts a single object and already-decoded bodies', () => {
    expect(parseEvents(`{"type":"view","ts":"${TS}","productId":"p1"}`).events).toHaveLength(1);
    expect(parseEvents({ type: 'view', ts: TS, productId: 'p1' }).events[0]?.ts).toBe(MS);
    expect(parseEvents([{ type: 'view', ts: TS }]).events).toHaveLength(1);
  });

  it('rejects a bad field with its code, field and what was expected, keeping the rest of the batch', () => {
    const { events, rejected } = parseEvents([
      { type: 'view', ts: TS, price: 'abc' },
      { type: 'click', ts: TS },
      { type: 'view', ts: TS, productId: 'ok' },
    ]);
    expect(events.map((e) => e.productId)).toEqual(['ok']);
    expect(rejected).toEqual([
      { index: 0, code: 'HW_ERR_EVENT_FIELD', field: '/price', message: 'expected number ≥ 0, got "abc"' },
      { index: 1, code: 'HW_ERR_EVENT_FIELD', field: '/type', message: 'expected one of view, add_to_cart, remove_from_cart, purchase, payment, got "click"' },
    ]);
  });

  it('names missing and unknown fields', () => {
    const { rejected } = parseEvents([{ type: 'view' }, { type: 'view', ts: TS, colour: 'red' }]);
    expect(rejected[0]).toMatchObject({ index: 0, field: '/ts', message: expect.stringMatching(/^is required: expected an ISO-8601 date-time .* or epoch milliseconds$/) });
    expect(rejected[1]).toMatchObject({ index: 1, field: '/colour', message: 'unknown field "colour"' });
  });

  it('rejects unparseable, impossible and absurd times, hinting at seconds', () => {
    const { rejected } = parseEvents([
      { type: 'view', ts: '30/09/2025 at ten' },
      { type: 'view', ts: '2026-02-30T10:05:00Z' },
      { type: 'view', ts: 1759226700 },
      { type: 'view', ts: '2999-01-01T00:00:00Z' },
    ]);
    expect(rejected.map((r) => [r.index, r.field])).toEqual([[0, '/ts'], [1, '/ts'], [2, '/ts'], [3, '/ts']]);
    expect(rejected[2]?.message).toContain('looks like seconds');
  });

  it('derives a stable id from the content when none is given, so replays dedupe', () => {
    const a = parseEvents({ type: 'view', ts: TS, productId: 'p1', userId: 'u1' }).events[0]!;
    const b = parseEvents({ userId: 'u1', productId: 'p1', ts: MS, type: 'view' }).events[0]!;
    const c = parseEvents({ type: 'view', ts: TS, productId: 'p2', userId: 'u1' }).events[0]!;
    expect(a.id).toMatch(/^h-[0-9a-f]{32}$/);
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
    const x = parseEvents({ type: 'view', ts: MS, attrs: { b: 1, a: 'x' } }).events[0]!;
    const y = parseEvents({ attrs: { a: 'x', b: 1 }, ts: MS, type: 'view' }).events[0]!;
    expect(y.id).toBe(x.id);
  });

  it('reads NDJSON where a bad line is one rejection, not a failed batch', () => {
    const body = [
      `{"type":"view","ts":"${TS}","productId":"p1"}`,
      '{"type":"view","ts":',
      '',
      `{"type":"add_to_cart","ts":"${TS}","productId":"p1","quantity":0}`,
      `{"type":"purchase","ts":"${TS}","productId":"p1"}`,
    ].join('\r\n');
    for (const r of [parseEvents(body, 'application/x-ndjson'), parseEvents(body), readNdjson(body)]) {
      expect(r.events.map((e) => e.type)).toEqual(['view', 'purchase']);
      expect(r.rejected).toEqual([
        { index: 1, code: 'HW_ERR_EVENT_FORMAT', message: expect.stringContaining('line 2 is not JSON') },
        { index: 3, code: 'HW_ERR_EVENT_FIELD', field: '/quantity', message: 'expected integer between 1 and 1000000, got 0' },
      ]);
    }
  });

  it('turns a body that is not JSON at all into one HW_ERR_EVENT_FORMAT rejection', () => {
    expect(parseEvents('hello').rejected).toEqual([{ index: 0, code: 'HW_ERR_EVENT_FORMAT', message: expect.stringContaining('body is not JSON') }]);
    expect(parseEvents('   ').rejected[0]?.code).toBe('HW_ERR_EVENT_FORMAT');
    expect(parseEvents('42').rejected[0]?.code).toBe('HW_ERR_EVENT_FORMAT');
    expect(parseEvents('[1]').rejected[0]).toMatchObject({ index: 0, code: 'HW_ERR_EVENT_FIELD', field: '/' });
  });
});

describe('what real exports send', () => {
  const at = Date.UTC(2019, 9, 1, 0, 0, 5);
  it('accepts the common timestamp shapes, in UTC unless they say otherwise', () => {
    const shapes = [at, String(at), '2019-10-01 00:00:05 UTC', '2019-10-01T00:00:05Z', '2019-10-01 00:00:05', '01-10-2019 00:00:05', '2019-10-01T02:00:05+02:00', '2019-10-01T00:00:05.000Z'];
    const { events, rejected } = parseEvents(shapes.map((ts) => ({ type: 'view', ts, productId: 'p' })));
    expect(rejected).toEqual([]);
    expect(events.map((e) => e.ts)).toEqual(shapes.map(() => at));
  });

  it('takes numeric ids as their decimal strings', () => {
    const { events, rejected } = parseEvents({ id: 7, type: 'view', ts: at, productId: 44600062, userId: 541312140, sessionId: 3 });
    expect(rejected).toEqual([]);
    expect(events[0]).toMatchObject({ id: '7', productId: '44600062', userId: '541312140', sessionId: '3' });
  });
});

describe('a malformed JSON body', () => {
  it('is one format error naming its line, never re-read as NDJSON', () => {
    const body = '[\n  {"type": "view", "ts": 1569888000000}\n  {"type": "view", "ts": 1569888000001}\n]';
    const { events, rejected } = parseEvents(body, 'application/json');
    expect(events).toEqual([]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ index: 0, code: 'HW_ERR_EVENT_FORMAT', message: expect.stringContaining('line 3') });
  });

  it('still reads NDJSON sent as application/json', () => {
    const body = '{"type": "view", "ts": 1569888000000}\n{"type": "view", "ts": 1569888000001}';
    expect(parseEvents(body, 'application/json').events).toHaveLength(2);
  });
});
