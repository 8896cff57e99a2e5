import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { decodeEvents } from './codec.js';
import { KafkaEventSink } from './event-sink.js';
import { keyPartitioner } from './partition-of.js';

type Sent = { partition?: number; value: Buffer | string | null };

/** A producer whose sends settle when the test says so; `count` is events, packed or not. */
function fakeKafka(partitions = 3) {
  const sends: { count: number; records: Sent[]; settle: (err?: Error) => void }[] = [];
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: ({ messages }: { messages: Sent[] }) => new Promise<void>((resolve, reject) => {
      const count = messages.reduce((n, m) => {
        const out: HerdEvent[] = [];
        decodeEvents(Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value ?? ''), out);
        return n + out.length;
      }, 0);
      sends.push({ count, records: messages, settle: (err) => (err ? reject(err) : resolve()) });
    }),
  };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicMetadata: async () => ({ topics: [{ name: 't', partitions: Array.from({ length: partitions }, (_, i) => ({ partitionId: i })) }] }),
  };
  return { kafka: { producer: () => producer, admin: () => admin } as unknown as Kafka, sends };
}

const events = (n: number): HerdEvent[] => Array.from({ length: n }, (_, i) => ({ id: `e${i}`, type: 'view', ts: i, productId: `P${i}` }));
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('KafkaEventSink', () => {
  it('resolves only once the broker acknowledged, and coalesces calls waiting behind a send', async () => {
    const { kafka, sends } = fakeKafka();
    const sink = new KafkaEventSink(kafka, { topic: 't', sendTimeoutMs: 10_000, producers: 1 });
    let firstDone = false;
    const first = sink.send(events(3)).then(() => (firstDone = true));
    await tick();
    const second = sink.send(events(2));
    const third = sink.send(events(4));
    await tick();
    expect(sends.map((s) => s.count)).toEqual([3]);
    expect(firstDone).toBe(false);
    sends[0]!.settle();
    await first;
    await tick();
    expect(sends.map((s) => s.count)).toEqual([3, 6]);
    sends[1]!.settle();
    await Promise.all([second, third]);
  });

  it('keeps one request in flight per producer: with two, the third call waits and goes out with the fourth', async () => {
    const { kafka, sends } = fakeKafka();
    const sink = new KafkaEventSink(kafka, { topic: 't', sendTimeoutMs: 10_000, producers: 2 });
    const calls = [sink.send(events(1))];
    await tick();
    calls.push(sink.send(events(2)));
    await tick();
    calls.push(sink.send(events(3)), sink.send(events(4)));
    await tick();
    expect(sends.map((s) => s.count)).toEqual([1, 2]);
    sends[1]!.settle();
    await tick();
    expect(sends.map((s) => s.count)).toEqual([1, 2, 7]);
    sends[0]!.settle();
    sends[2]!.settle();
    await Promise.all(calls);
  });

  it('rejects with HW_ERR_KAFKA when the broker does not answer in time, and never sends what was still queued', async () => {
    const { kafka, sends } = fakeKafka();
    const sink = new KafkaEventSink(kafka, { topic: 't', sendTimeoutMs: 50 });
    const stuck = sink.send(events(1));
    const queued = sink.send(events(1));
    await expect(stuck).rejects.toMatchObject({ code: 'HW_ERR_KAFKA' });
    await expect(queued).rejects.toMatchObject({ code: 'HW_ERR_KAFKA' });
    sends[0]!.settle();
    await tick();
    expect(sends.length).toBe(1);
  });

  it('refuses at once with HW_ERR_BACKPRESSURE beyond its bound instead of queuing', async () => {
    const { kafka } = fakeKafka();
    const sink = new KafkaEventSink(kafka, { topic: 't', sendTimeoutMs: 10_000, maxPendingEvents: 5 });
    void sink.send(events(4)).catch(() => undefined);
    await expect(sink.send(events(2))).rejects.toMatchObject({ code: 'HW_ERR_BACKPRESSURE' });
    expect(sink.pending).toBe(4);
  });

  it('turns a broker error into HW_ERR_KAFKA', async () => {
    const { kafka, sends } = fakeKafka();
    const sink = new KafkaEventSink(kafka, { topic: 't' });
    const p = sink.send(events(1));
    await tick();
    sends[0]!.settle(new Error('NOT_ENOUGH_REPLICAS'));
    await expect(p).rejects.toMatchObject({ code: 'HW_ERR_KAFKA', message: expect.stringContaining('NOT_ENOUGH_REPLICAS') });
  });

  /** kafkajs gave up on a send while the partition had no leader (a retriable cause, wrapped as not retriable). */
  const noLeader = () => Object.assign(new Error('There is no leader for this topic-partition'), { retriable: false, cause: Object.assign(new Error('LEADER_NOT_AVAILABLE'), { retriable: true }) });

  it('sends again after a transient failure while its caller waits, and resolves once acknowledged', async () => {
    const { kafka, sends } = fakeKafka();
    const sink = new KafkaEventSink(kafka, { topic: 't', sendTimeoutMs: 10_000, producers: 1 });
    let done = false;
    const p = sink.send(events(3)).then(() => (done = true));
    await tick();
    sends[0]!.settle(noLeader());
    await new Promise((r) => setTimeout(r, 150));
    expect(sends.map((s) => s.count)).toEqual([3, 3]);
    expect(done).toBe(false);
    sends[1]!.settle();
    await p;
  });

  it('does not send again for a caller already refused: what it was told failed is not written later', async () => {
    const { kafka, sends } = fakeKafka();
    const sink = new KafkaEventSink(kafka, { topic: 't', sendTimeoutMs: 30, producers: 1 });
    const refused = sink.send(events(2));
    await expect(refused).rejects.toMatchObject({ code: 'HW_ERR_KAFKA' });
    sends[0]!.settle(noLeader());
    await new Promise((r) => setTimeout(r, 150));
    expect(sends.map((s) => s.count)).toEqual([2]);
  });
});

describe('KafkaEventSink packing', () => {
  it('packs the events of one partition into one record, each on the partition its key lands on', async () => {
    const { kafka, sends } = fakeKafka(3);
    const sink = new KafkaEventSink(kafka, { topic: 't', sendTimeoutMs: 10_000 });
    const sent = sink.send(events(100));
    await tick();
    const records = sends[0]!.records;
    expect(records.length).toBeLessThanOrEqual(3);
    const partitionOf = keyPartitioner(3);
    const seen: string[] = [];
    for (const r of records) {
      const out: HerdEvent[] = [];
      expect(decodeEvents(r.value as Buffer, out).ok).toBe(true);
      for (const e of out) expect(partitionOf(e.productId!)).toBe(r.partition);
      seen.push(...out.map((e) => e.id));
    }
    expect(seen.sort()).toEqual(events(100).map((e) => e.id).sort());
    sends[0]!.settle();
    await sent;
  });

  it('writes one JSON record per event with pack: false', async () => {
    const { kafka, sends } = fakeKafka(3);
    const sink = new KafkaEventSink(kafka, { topic: 't', sendTimeoutMs: 10_000, pack: false });
    const sent = sink.send(events(5));
    await tick();
    expect(sends[0]!.records.map((r) => JSON.parse(String(r.value)).id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    sends[0]!.settle();
    await sent;
  });
});
