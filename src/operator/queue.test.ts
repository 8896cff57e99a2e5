import { describe, expect, it } from 'vitest';
import { WorkQueue } from './queue.js';
import { ManualClock } from './testing.js';

describe('WorkQueue', () => {
  it('dedupes keys and never hands one key to two workers', async () => {
    const q = new WorkQueue({ clock: new ManualClock() });
    q.add('a');
    q.add('a');
    q.add('b');
    expect(q.length).toBe(2);
    const k = await q.get();
    expect(k).toBe('a');
    q.add('a'); // changed while processing: comes back after done
    expect(await q.get()).toBe('b');
    expect(q.length).toBe(0);
    q.done('a');
    expect(await q.get()).toBe('a');
  });

  it('backs off exponentially per key and resets after success', () => {
    const clock = new ManualClock();
    const q = new WorkQueue({ clock, baseDelayMs: 100, maxDelayMs: 1_000 });
    const delays = [1, 2, 3, 4, 5, 6].map(() => {
      const d = q.addRateLimited('a');
      clock.advance(d);
      return d;
    });
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(q.addRateLimited('b')).toBe(100);
    q.forget('a');
    expect(q.failuresOf('a')).toBe(0);
  });

  it('delivers a delayed key only when its time comes', async () => {
    const clock = new ManualClock();
    const q = new WorkQueue({ clock });
    q.addAfter('a', 500);
    expect(q.length).toBe(0);
    clock.advance(499);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(await q.get()).toBe('a');
  });

  it('rate-limits retries beyond the burst', () => {
    const q = new WorkQueue({ clock: new ManualClock(), baseDelayMs: 1, qps: 10, burst: 2 });
    const delays = ['a', 'b', 'c', 'd'].map((k) => q.addRateLimited(k));
    expect(delays).toEqual([1, 1, 100, 200]);
  });

  it('wakes waiting workers on shutdown', async () => {
    const q = new WorkQueue({ clock: new ManualClock() });
    const waiting = q.get();
    q.shutdown();
    expect(await waiting).toBeUndefined();
  });
});
