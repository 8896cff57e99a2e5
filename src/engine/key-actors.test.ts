import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { ACTOR_CAP, PendingActors } from './actors.js';
import { KeyActors } from './key-actors.js';
import { KeyStore } from './keystore.js';

const W = 30;
const WORD = 4;

function setup(): { keys: KeyStore; people: KeyActors; slot: (k: string) => number } {
  const keys = new KeyStore(WORD + 3);
  const people = new KeyActors(keys, WORD, W);
  const slot = (k: string): number => {
    const s = keys.intern(k);
    if (keys.created) people.reset(s);
    return s;
  };
  return { keys, people, slot };
}

let n = 0;
const by = (userId: string): HerdEvent => ({ id: `e${++n}`, type: 'view', ts: 0, userId });

describe('distinct people per key (KeyActors)', () => {
  it('counts distinct people in the window and the busiest one\'s weight, per key', () => {
    const { people, slot } = setup();
    const p = slot('p'), q = slot('q');
    for (const [u, w] of [['a', 1], ['b', 1], ['a', 5], ['c', 3]] as const) people.add(p, 10, w, by(u));
    people.add(q, 10, 1, by('a'));
    people.close(10);
    expect(people.since(p, 10 - W + 1)).toBe(3);
    expect(people.top(p, 10 - W + 1, 10)).toBe(6); // a: 1 + 5
    expect(people.since(q, 10 - W + 1)).toBe(1);
    expect(people.top(q, 10 - W + 1, 1)).toBe(1); // one person is all of the count
  });

  it('a bucket not yet closed counts for nobody', () => {
    const { people, slot } = setup();
    const p = slot('p');
    people.add(p, 10, 1, by('a'));
    people.add(p, 11, 1, by('b'));
    people.close(10);
    expect(people.since(p, 0)).toBe(1);
  });

  it('people who left the window no longer count, and a quiet key\'s set is freed', () => {
    const { people, slot } = setup();
    const p = slot('p');
    for (const u of ['a', 'b', 'c', 'd', 'e']) people.add(p, 1, 1, by(u));
    people.close(1);
    expect(people.setCount).toBe(1);
    expect(people.since(p, 1)).toBe(5);
    // A window later, one new person: the five are gone, and one person needs no set.
    people.add(p, 1 + W, 1, by('f'));
    people.close(1 + W);
    expect(people.since(p, 2)).toBe(1);
    expect(people.setCount).toBe(0);
    // A key that simply goes quiet is freed by the sweep.
    const q = slot('q');
    for (const u of ['a', 'b']) people.add(q, 40, 1, by(u));
    people.close(40);
    expect(people.setCount).toBe(1);
    people.prune(41 - W + 1, 1); // the close of bucket 41: bucket 40 is in its window
    expect(people.setCount).toBe(1);
    people.prune(40 + 1, 1); // the close of bucket 70: it is not
    expect(people.setCount).toBe(0);
    expect(people.since(q, 41)).toBe(0);
  });

  it('past the cap the count saturates at 16 and the busiest person stays', () => {
    const { people, slot } = setup();
    const p = slot('p');
    people.add(p, 5, 40, by('bot'));
    for (let i = 0; i < 100; i++) people.add(p, 5, 1, by(`u${i}`));
    people.close(5);
    expect(people.since(p, 0)).toBe(ACTOR_CAP);
    expect(people.top(p, 0, 140)).toBe(40);
    expect(people.topIn(p, 5, 140)).toBe(40);
  });

  it('the same events of a bucket in any arrival order give the same counts, even past the cap', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ key: fc.integer({ min: 0, max: 2 }), user: fc.integer({ min: 0, max: 40 }), w: fc.constantFrom(1, 3, 5), b: fc.integer({ min: 0, max: 3 }) }), { maxLength: 300 }),
      fc.integer(),
      (events, seed) => {
        const answers = (order: typeof events): number[] => {
          const { people, slot } = setup();
          const slots = [0, 1, 2].map((k) => slot(`k${k}`));
          const out: number[] = [];
          for (let b = 0; b <= 3; b++) {
            for (const e of order) if (e.b === b) people.add(slots[e.key]!, b, e.w, by(`u${e.user}`));
            people.close(b);
            for (const s of slots) out.push(people.since(s, b - W + 1), people.since(s, b), people.top(s, b - W + 1, 1e9), people.topIn(s, b, 1e9));
          }
          return out;
        };
        // A deterministic shuffle of the same events.
        const shuffled = events.map((e, i) => ({ e, r: Math.imul(i + 1, seed | 1) >>> 0 })).sort((x, y) => x.r - y.r).map((x) => x.e);
        expect(answers(shuffled)).toEqual(answers(events));
      }), { numRuns: process.env.HW_RUNS !== undefined ? Number(process.env.HW_RUNS) : 100 });
  });
});

describe('PendingActors.bySlot', () => {
  it('groups entries by key in arrival order, for small and big buckets (radix sort) alike', () => {
    for (const n of [10, 5_000, 70_000]) {
      const p = new PendingActors();
      let x = n;
      const slots: number[] = [];
      for (let i = 0; i < n; i++) {
        x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
        const slot = x % (i % 2 === 0 ? 97 : 50_000_000);
        slots.push(slot);
        p.push(slot, i, 1);
      }
      const want = slots.map((s, i) => ({ s, i })).sort((a, b) => a.s - b.s || a.i - b.i).map((e) => e.i);
      expect([...p.bySlot()]).toEqual(want);
    }
  });
});
