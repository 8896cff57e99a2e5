import { Partitioners, type Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { TrafficPublisher } from './traffic-topic.js';

describe('TrafficPublisher', () => {
  it('chooses Java\'s murmur2 partitioner like every HerdWatch producer (kafkajs warns about a producer that chooses none)', () => {
    const options: unknown[] = [];
    const kafka = { producer: (o: unknown) => (options.push(o), {}) } as unknown as Kafka;
    new TrafficPublisher(kafka, 'herdwatch.traffic');
    expect(options).toEqual([expect.objectContaining({ createPartitioner: Partitioners.DefaultPartitioner })]);
  });
});
