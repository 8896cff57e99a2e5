import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../../events/schema.js';
import { encodeEventBatch } from '../../kafka/codec.js';
import { compileRule, validateRuleSpec } from '../../rules/index.js';
import { PartitionEngines, type BatchInput } from './engines.js';

const rule = compileRule({ uid: 'u-vel', namespace: 'shop', name: 'velocity' }, validateRuleSpec({
  source: { eventTypes: ['purchase'] }, key: 'userId',
  detector: { type: 'velocity', maxEvents: 3, window: '10m', bucket: '1m', cooldown: '10m' }, severity: 'warning',
}));
const T0 = Date.parse('2026-01-01T10:00:00Z');
const FAR = Date.parse('2099-01-01T00:00:00Z');
const json = (e: HerdEvent) => Buffer.from(JSON.stringify(e));

function batch(values: Buffer[], timestamps: number[]): BatchInput {
  return { partition: 0, values, offsets: values.map((_, i) => i), timestamps, last: values.length - 1, now: T0, firstKey: null };
}

describe('partition engines on a foreign (JSON) topic', () => {
  // Five purchases by U1 within five minutes break "at most 3 in 10 m"; U2 later closes the buckets.
  const traffic = [
    ...Array.from({ length: 5 }, (_, i): HerdEvent => ({ id: `e${i}`, type: 'purchase', ts: T0 + i * 60_000, userId: 'U1', amount: 10 })),
    { id: 'e5', type: 'purchase', ts: T0 + 7 * 60_000, userId: 'U2', amount: 10 } as HerdEvent,
  ];
  // Three agreeing far-future events: enough for the engine's own guard to believe the stream jumped.
  const bogus = Array.from({ length: 3 }, (_, i): HerdEvent => ({ id: `b${i}`, type: 'purchase', ts: FAR + i, userId: `B${i}`, amount: 1 }));

  it('drop events too far ahead of their record\'s time (counted as future), so they cannot drag the watermark', () => {
    const engines = new PartitionEngines(rule, { futureSkewMs: 300_000 });
    engines.open(0, 0, 0, T0);
    const events = [...bogus, ...traffic];
    const out = engines.evaluate(batch(events.map(json), events.map((e) => Math.min(e.ts, T0 + 600_000))));
    expect(out.malformed.map((m) => [m.index, m.reason])).toEqual([[0, 'future'], [1, 'future'], [2, 'future']]);
    expect(out.transitions.map((t) => `${t.key}:${t.state}`)).toEqual(['U1:firing']);
    expect(out.stats.watermark).toBeLessThan(FAR);
  });

  it('without the guard the same records would have silenced the rule (what the guard prevents)', () => {
    const engines = new PartitionEngines(rule, { futureSkewMs: Number.POSITIVE_INFINITY });
    engines.open(0, 0, 0, T0);
    const events = [...bogus, ...traffic];
    const out = engines.evaluate(batch(events.map(json), events.map(() => T0)));
    expect(out.malformed).toEqual([]);
    expect(out.transitions).toEqual([]);
  });

  it('keep an event within the skew of its record\'s time, and HerdWatch\'s own HWB1 records (checked at ingest)', () => {
    const engines = new PartitionEngines(rule, { futureSkewMs: 300_000 });
    engines.open(0, 0, 0, T0);
    const out = engines.evaluate(batch([json({ ...traffic[0]!, ts: T0 + 299_000 }), encodeEventBatch([{ ...traffic[1]!, ts: FAR }])], [T0, T0]));
    expect(out.malformed).toEqual([]);
    expect(out.stats.events).toBe(2);
  });
});
