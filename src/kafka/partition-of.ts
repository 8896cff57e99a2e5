import { Partitioners } from 'kafkajs';

/**
 * The partition a key lands on with Java's murmur2 partitioner (kafkajs's DefaultPartitioner,
 * which the producers use), for a topic of `partitions` partitions. Lets the event sink pack
 * the events of one partition into one record ahead of the producer.
 */
export function keyPartitioner(partitions: number): (key: string) => number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
  return (key) => partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
