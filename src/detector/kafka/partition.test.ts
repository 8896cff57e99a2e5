import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../../events/schema.js';
import { compileRule, validateRuleSpec } from '../../rules/index.js';
import { PartitionEngine } from './partition.js';

const rule = compileRule({ uid: 'u-vel', namespace: 'shop', name: 'velocity' }, validateRuleSpec({
  source: { eventTypes: ['purchase'] }, key: 'userId',
  detector: { type: 'velocity', maxEvents: 3, window: '10m', bucket: '1m', cooldown: '10m' }, severity: 'warning',
}));

const T0 = Date.parse('2026-01-01T10:00:00Z');
// Five purchases by U1 within five minutes break the limit of three; U2's later purchase
// moves the watermark past them, so the engine decides.
const records = [
  ...Array.from({ length: 5 }, (_, i) => ({
    offset: i,
    event: { id: `e${i}`, type: 'purchase', ts: T0 + i * 60_000, userId: 'U1', amount: 10 } as HerdEvent,
  })),
  { offset: 5, event: { id: 'e5', type: 'purchase', ts: T0 + 7 * 60_000, userId: 'U2', amount: 10 } as HerdEvent },
];

describe('a partition engine', () => {
  it('alerts on live offsets', () => {
    const live = new PartitionEngine(rule, { partition: 0, liveFrom: 0, startOffset: 0, now: 0 });
    const { transitions } = live.ingest(records, 0);
    expect(transitions.map((t) => `${t.key}:${t.state}`)).toEqual(['U1:firing']);
    expect(live.nextOffset).toBe(6);
  });

  it('replays offsets before liveFrom silently: the state is rebuilt, the alert is not repeated', () => {
    const rebuilt = new PartitionEngine(rule, { partition: 0, liveFrom: 6, startOffset: 0, now: 0 });
    expect(rebuilt.replaying).toBe(true);
    const { transitions, replayed } = rebuilt.ingest(records, 0);
    expect(transitions).toEqual([]);
    expect(replayed).toBe(6);
    expect(rebuilt.replaying).toBe(false);
    // The rebuilt state knows the alert is open: later traffic resolves it, as the original would have.
    const later = { offset: 6, event: { id: 'e6', type: 'purchase', ts: T0 + 40 * 60_000, userId: 'U1', amount: 10 } as HerdEvent };
    const original = new PartitionEngine(rule, { partition: 0, liveFrom: 0, startOffset: 0, now: 0 });
    original.ingest(records, 0);
    const fromOriginal = original.ingest([later], 0).transitions.map((t) => `${t.key}:${t.state}`);
    expect(fromOriginal).toEqual(['U1:resolved']);
    expect(rebuilt.ingest([later], 0).transitions.map((t) => `${t.key}:${t.state}`)).toEqual(fromOriginal);
  });

  it('splits a batch that straddles liveFrom', () => {
    const engine = new PartitionEngine(rule, { partition: 2, liveFrom: 3, startOffset: 0, now: 0 });
    const { transitions, replayed } = engine.ingest(records, 0);
    expect(replayed).toBe(3);
    expect(transitions.map((t) => t.state)).toEqual(['firing']);
  });
});
