import { Partitioners, type Kafka, type Producer, type ProducerBatch, type ProducerRecord, type RecordMetadata } from 'kafkajs';

/**
 * The one producer configuration of HerdWatch: idempotent (the broker drops a retried
 * duplicate and keeps order per partition), acks from all in-sync replicas (set per send),
 * Java-compatible partitioning (murmur2, so keys land where Java producers put them).
 *
 * Retries are unlimited, as kafkajs requires of an idempotent producer (it warns otherwise):
 * giving up mid-sequence can reorder or lose records after a reconnect. Callers bound how
 * long *they* wait instead: the API answers 503 after its send timeout, the detector
 * heartbeats while a publish is slow and commits nothing until it is acknowledged.
 * Long-lived senders use {@link FreshAfterFailureProducer}, not this directly.
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

/**
 * An idempotent producer that is replaced by a new one (a new producer id) after any failed
 * send, so a sequence number is never used for two different batches.
 *
 * Why (this lost acknowledged events; test/kafka/fault-lost-response.int.test.ts): when a
 * produce request fails, kafkajs rewinds the partitions' sequence numbers, also when the
 * broker did append the batch and only its answer was lost (a broker that stops right after
 * appending). The send still fails in the end when kafkajs cannot reconnect within its retry
 * budget, as in a broker restart. The next send then reuses the rewound numbers; with one
 * packed record per partition it has the same first and last sequence as the appended
 * batch, so the broker takes it for a retry of that batch and acknowledges it WITHOUT
 * writing it. A fresh producer id starts a sequence the broker cannot confuse with the old.
 * The failed batch itself may or may not be on the topic: its caller was told it failed,
 * retries, and the engine counts a repeated event id once.
 *
 * Sends may overlap; a failure replaces the producer only if it is still the current one.
 */
export class FreshAfterFailureProducer {
  private producer: Producer;
  private connected: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly kafka: Kafka, private readonly make: (kafka: Kafka) => Producer = idempotentProducer) {
    this.producer = make(kafka);
  }

  connect(): Promise<void> {
    const producer = this.producer;
    this.connected ??= producer.connect().catch((err: unknown) => {
      if (this.producer === producer) this.connected = undefined;
      throw err;
    });
    return this.connected;
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.run((p) => p.send(record));
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.run((p) => p.sendBatch(batch));
  }

  private async run(send: (p: Producer) => Promise<RecordMetadata[]>): Promise<RecordMetadata[]> {
    await this.connect();
    const producer = this.producer;
    try {
      return await send(producer);
    } catch (err) {
      if (this.producer === producer && !this.closed) {
        this.producer = this.make(this.kafka);
        this.connected = undefined;
        // Nothing may be sent with the old producer id again; its retries are over.
        void producer.disconnect().catch(() => undefined);
      }
      throw err;
    }
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    await this.producer.disconnect();
  }
}
