import type { Kafka, Producer, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { createKafka } from './client.js';
import { kafkaSettings } from './config.js';
import { FreshAfterFailureProducer, idempotentProducer } from './producer.js';

describe('the idempotent producer', () => {
  /** What kafkajs logs while `work` runs, through the logger injected into the client. */
  function logOf(work: (kafka: ReturnType<typeof createKafka>) => void): string {
    const lines: string[] = [];
    const kafka = createKafka(kafkaSettings({ brokers: '127.0.0.1:9' }, {}), createLogger({ format: 'json' }, { write: (l: string) => lines.push(l) }));
    work(kafka);
    return lines.join('');
  }

  it('is configured as kafkajs requires: no warning about limited retries', () => {
    expect(logOf((kafka) => idempotentProducer(kafka))).not.toMatch(/Limiting retries/);
  });

  it('would be warned about by kafkajs, visibly, if its retries were limited (the warning is not silenced)', () => {
    expect(logOf((kafka) => kafka.producer({ idempotent: true, retry: { retries: 5 } }))).toMatch(/"level":"warn".*Limiting retries for the idempotent producer/);
  });
});

describe('FreshAfterFailureProducer', () => {
  /** Fake kafkajs producers, numbered in creation order; `fail` makes the next send of a producer fail. */
  function fakes() {
    const made: { sends: number; disconnected: boolean; fail: boolean; release: ((err?: Error) => void)[] }[] = [];
    const make = () => {
      const p = { sends: 0, disconnected: false, fail: false, release: [] } as (typeof made)[number];
      made.push(p);
      return {
        connect: async () => undefined,
        disconnect: async () => void (p.disconnected = true),
        send: () => new Promise<RecordMetadata[]>((resolve, reject) => {
          p.sends++;
          p.release.push((err) => (err ? reject(err) : resolve([])));
          if (p.fail) reject(new Error('broker away'));
        }),
      } as unknown as Producer;
    };
    return { made, make };
  }
  const record = { topic: 't', messages: [{ value: 'x' }] };

  it('sends the batch after a failed send with a new producer id, and drops the old producer', async () => {
    const { made, make } = fakes();
    const producer = new FreshAfterFailureProducer({} as Kafka, make);
    made[0]!.fail = true;
    await expect(producer.send(record)).rejects.toThrow('broker away');
    const next = producer.send(record);
    await new Promise((r) => setImmediate(r));
    made[1]!.release[0]!();
    await next;
    expect(made.map((p) => [p.sends, p.disconnected])).toEqual([[1, true], [1, false]]);
  });

  it('keeps the current producer when a send on an already replaced one fails late', async () => {
    const { made, make } = fakes();
    const producer = new FreshAfterFailureProducer({} as Kafka, make);
    const slow = producer.send(record);
    const failing = producer.send(record);
    await new Promise((r) => setImmediate(r));
    made[0]!.release[1]!(new Error('first'));
    await expect(failing).rejects.toThrow('first');
    expect(made).toHaveLength(2);
    made[0]!.release[0]!(new Error('late'));
    await expect(slow).rejects.toThrow('late');
    const third = producer.send(record);
    await new Promise((r) => setImmediate(r));
    made[1]!.release[0]!();
    await third;
    expect(made.map((p) => p.sends)).toEqual([2, 1]);
  });
});
