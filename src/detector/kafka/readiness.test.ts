import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ReadinessTracker } from './readiness.js';

/** An admin that answers from tables the test sets. */
function fakeAdmin(high: Record<number, number>, committed: Record<number, number>) {
  return {
    fetchTopicOffsets: async () => Object.entries(high).map(([p, h]) => ({ partition: Number(p), offset: String(h), high: String(h), low: '0' })),
    fetchOffsets: async () => [{ topic: 't', partitions: Object.entries(committed).map(([p, o]) => ({ partition: Number(p), offset: String(o) })) }],
  } as unknown as Admin;
}

describe('detector readiness', () => {
  it('is not ready before the first assignment', async () => {
    const r = new ReadinessTracker(fakeAdmin({}, {}), 'g', 't');
    await r.refresh(new Map());
    expect(r.ready).toBe(false);
  });

  it('waits until every assigned partition is live and at its high watermark, then stays ready', async () => {
    const high = { 0: 100, 1: 50 };
    const r = new ReadinessTracker(fakeAdmin(high, { 1: 50 }), 'g', 't');
    r.assigned([0, 1]);
    // Partition 0 is still replaying; partition 1 has no engine yet but its commit is at the end.
    await r.refresh(new Map([[0, { nextOffset: 20, replaying: true }]]));
    expect(r.ready).toBe(false);
    expect(r.lag).toBe(100);
    await r.refresh(new Map([[0, { nextOffset: 90, replaying: false }]]));
    expect(r.ready).toBe(false);
    expect(r.lag).toBe(10);
    await r.refresh(new Map([[0, { nextOffset: 100, replaying: false }]]));
    expect(r.ready).toBe(true);
    expect(r.caughtUp(0)).toBe(true);
    // New traffic does not make a member unready; a new assignment does.
    high[0] = 200;
    await r.refresh(new Map([[0, { nextOffset: 100, replaying: false }]]));
    expect(r.ready).toBe(true);
    r.assigned([0]);
    expect(r.ready).toBe(false);
  });

  it('counts a partition without commits as caught up when the group starts at the latest offset', async () => {
    const r = new ReadinessTracker(fakeAdmin({ 0: 30 }, { 0: -1 }), 'g', 't', 'latest');
    r.assigned([0]);
    await r.refresh(new Map());
    expect(r.ready).toBe(true);
    const earliest = new ReadinessTracker(fakeAdmin({ 0: 30 }, { 0: -1 }), 'g', 't', 'earliest');
    earliest.assigned([0]);
    await earliest.refresh(new Map());
    expect(earliest.ready).toBe(false);
  });
});
