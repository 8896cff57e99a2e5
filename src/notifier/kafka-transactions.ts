import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { decodeEvents } from '../kafka/codec.js';
import type { HerdEvent } from '../events/schema.js';
import { storeThenCommit } from './commit-after-store.js';
import type { Log } from './log.js';
import type { NotifierMetrics } from './metrics.js';
import { storeTransactions } from './transactions.js';
import type { NotifierStore } from '../store/notify/types.js';

/**
 * The notifier's second consumer group, on the events topic: stores purchases and payments
 * as transactions and keeps the per-minute KPIs. Offsets are committed after the store has
 * them, so a crash re-reads the batch and the unique ids absorb the repeat.
 */
export class KafkaTransactionWriter {
  private readonly consumer: Consumer;

  constructor(private readonly o: { kafka: Kafka; topic: string; groupId: string; store: NotifierStore; metrics: NotifierMetrics; log: Log }) {
    this.consumer = o.kafka.consumer({ groupId: o.groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: false, retry: { retries: 1_000_000, maxRetryTime: 10_000 } });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.o.topic], fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (b) => this.onBatch(b) });
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const events: HerdEvent[] = [];
    // Binary batches (HWB1) and JSON events alike; malformed records are the detector's to report.
    for (const m of payload.batch.messages) decodeEvents(m.value, events);
    await storeThenCommit(this.consumer, payload, async () => {
      this.o.metrics.transactions.inc(await storeTransactions(this.o.store, events));
    }, () => this.o.metrics.storeErrors.inc({ op: 'transactions' }));
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
