import { describe, expect, it } from 'vitest';
import type { Clock } from './clock.js';
import { settleWithin } from './step-down.js';

/** A clock whose timers fire only when the test advances it. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 0;
  return {
    now: () => now,
    setTimeout: (fn, ms) => { timers.set(++next, { at: now + ms, fn }); return next; },
    clearTimeout: (h) => { timers.delete(h as number); },
    advance(ms) {
      now += ms;
      for (const [h, t] of [...timers]) if (t.at <= now) { timers.delete(h); t.fn(); }
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('settleWithin (a deposed leader leaves even when a shutdown step hangs)', () => {
  it('gives up on a step that never finishes once the grace period passes, and says so', async () => {
    const clock = manualClock();
    const late: unknown[] = [];
    let settled = false;
    const waiting = settleWithin(new Promise(() => {}), 5_000, clock, (err) => late.push(err ?? 'late')).then(() => { settled = true; });
    clock.advance(4_999);
    await tick();
    expect(settled).toBe(false);
    clock.advance(1);
    await waiting;
    expect(settled).toBe(true);
    expect(late).toEqual(['late']);
  });

  it('returns as soon as a step finishes, without complaint', async () => {
    const clock = manualClock();
    const late: unknown[] = [];
    await settleWithin(Promise.resolve('ok'), 5_000, clock, (err) => late.push(err));
    expect(late).toEqual([]);
  });

  it('reports a failed step instead of throwing, so the remaining steps still run', async () => {
    const clock = manualClock();
    const late: unknown[] = [];
    await settleWithin(Promise.reject(new Error('watch socket reset')), 5_000, clock, (err) => late.push((err as Error).message));
    expect(late).toEqual(['watch socket reset']);
  });
});
