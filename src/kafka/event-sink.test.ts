import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { HerdEvent } from '../events/schema.js';
import { KafkaEventSink } from './event-sink.js';

/** A producer whose sends settle when the test says so. */
function fakeKafka() {
  const sends: { count: number; settle: (err?: Error) => void }[] = [];
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: ({ messages }: { messages: unknown[] }) => new Promise<void>((resolve, reject) => {
      sends.push({ count: messages.length, settle: (err) => (err ? reject(err) : resolve()) });
    }),
  };
  return { kafka: { producer: () => producer } as unknown as Kafka, sends };
}

const events = (n: number): HerdEvent[] => Array.from({ length: n }, (_, i) => ({ id: `e${i}`, type: 'view', ts: i, productId: `P${i}` }));
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('KafkaEventSink', () => {
  it('resolves only once the broker acknowledged, and coalesces calls waiting behind a send', async () => {
    const { kafka, sends } = fakeKafka();
    const sink = new KafkaEventSink(kafka, { topic: 't', sendTimeoutMs: 10_000 });
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
});
