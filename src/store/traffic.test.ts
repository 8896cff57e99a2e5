import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { countMinutes, lastMinutes, trafficPerMinute, type MinuteCounts } from './traffic.js';

const ev = (ts: number, type: HerdEvent['type'] = 'view', count?: number): HerdEvent => ({ id: `e${ts}-${type}`, type, ts, productId: 'p', ...(count ? { count } : {}) });

describe('site traffic per minute', () => {
  it('counts by type per minute of event time, leaves out the minute still filling, and shows empty minutes as zero', () => {
    const events = [ev(0), ev(1_000, 'purchase'), ev(5_000, 'view', 3), ev(125_000), ev(185_000)];
    expect(trafficPerMinute(events, 60)).toEqual([
      { minute: 0, byType: { view: 4, purchase: 1 } },
      { minute: 60_000, byType: {} },
      { minute: 120_000, byType: { view: 1 } },
    ]);
  });

  it('sums totals from several sources the same way (what the Kafka reader does per replica)', () => {
    const a: MinuteCounts = new Map();
    countMinutes(a, [ev(0), ev(61_000)]);
    const touched = new Set<number>();
    countMinutes(a, [ev(62_000, 'add_to_cart')], touched);
    expect([...touched]).toEqual([60_000]);
    expect(lastMinutes(a, 1)).toEqual([{ minute: 0, byType: { view: 1 } }]);
    expect(lastMinutes(new Map(), 5)).toEqual([]);
  });
});
