import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { MemoryBus, partitionFor } from './memory.js';

const ev = (productId: string, i: number): HerdEvent => ({ id: `e${i}`, type: 'view', ts: 1_000 + i, productId });

describe('MemoryBus', () => {
  it('puts all records of one key on one partition, with consecutive offsets, in order', async () => {
    const bus = new MemoryBus({ partitions: 4 });
    await bus.eventSink().send([ev('a', 0), ev('b', 1), ev('a', 2), ev('c', 3), ev('a', 4)]);
    const p = partitionFor('a', 4);
    const records = bus.read<HerdEvent>(bus.topics.events, p, 0).filter((r) => r.key === 'a');
    expect(records.map((r) => r.value.id)).toEqual(['e0', 'e2', 'e4']);
    const offsets = bus.read(bus.topics.events, p, 0).map((r) => r.offset);
    expect(offsets).toEqual(offsets.map((_, i) => i));
    expect(bus.endOffsets(bus.topics.events).reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('delivers to subscribers asynchronously, in order, and replays the past with fromBeginning', async () => {
    const bus = new MemoryBus({ partitions: 1 });
    const live: string[] = [];
    const unsubscribe = bus.subscribe<HerdEvent>(bus.topics.events, async (rs) => {
      await new Promise((r) => setTimeout(r, 1));
      live.push(...rs.map((r) => r.value.id));
    });
    await bus.eventSink().send([ev('a', 0)]);
    await bus.eventSink().send([ev('a', 1), ev('b', 2)]);
    expect(live).toEqual([]);
    await bus.drain();
    expect(live).toEqual(['e0', 'e1', 'e2']);
    unsubscribe();
    await bus.eventSink().send([ev('a', 3)]);
    await bus.drain();
    expect(live).toHaveLength(3);
    const late: string[] = [];
    bus.subscribe<HerdEvent>(bus.topics.events, (rs) => void late.push(...rs.map((r) => r.value.id)), { fromBeginning: true });
    await bus.drain();
    expect(late).toEqual(['e0', 'e1', 'e2', 'e3']);
  });

  it('keeps offsets growing when old records fall out of retention', () => {
    const bus = new MemoryBus({ partitions: 1, retention: 2 });
    bus.produce('t', [0, 1, 2, 3, 4].map((i) => ({ key: 'k', value: i })));
    const kept = bus.read('t', 0, 0).map((r) => r.offset);
    expect(kept.length).toBeLessThan(4);
    expect(kept).toEqual(kept.map((_, i) => 5 - kept.length + i));
    expect(bus.endOffsets('t')).toEqual([5]);
    expect(bus.read('t', 0, 4).map((r) => r.value)).toEqual([4]);
  });

  it('a failing subscriber does not stop delivery to the others', async () => {
    const bus = new MemoryBus();
    const got: number[] = [];
    bus.subscribe('t', () => {
      throw new Error('boom');
    });
    bus.subscribe<number>('t', (rs) => void got.push(...rs.map((r) => r.value)));
    bus.produce('t', [{ key: 'k', value: 1 }]);
    await bus.drain();
    expect(got).toEqual([1]);
  });
});
