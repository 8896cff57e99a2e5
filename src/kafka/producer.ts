import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/**
 * The one producer configuration of HerdWatch: idempotent (the broker drops a retried
 * duplicate and keeps order per partition), acks from all in-sync replicas (set per send),
 * Java-compatible partitioning (murmur2, so keys land where Java producers put them).
 *
 * Retries are unlimited, as kafkajs requires of an idempotent producer (it warns otherwise):
 * giving up mid-sequence can reorder or lose records after a reconnect. Callers bound how
 * long *they* wait instead: the API answers 503 after its send timeout, the detector
 * heartbeats while a publish is slow and commits nothing until it is acknowledged.
 */
export function idempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    // kafkajs keeps ordering (and the idempotent sequence) only with one request in flight.
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}
