import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { storeThenCommit } from './commit-after-store.js';
import { decodeAlert, type Intake } from './intake.js';
import type { Log } from './log.js';
import type { NotifierMetrics } from './metrics.js';
import type { AlertTransition } from '../store/notify/types.js';

export interface KafkaIntakeOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly groupId: string;
  readonly intake: Intake;
  readonly metrics: NotifierMetrics;
  readonly log: Log;
  /** Where a new consumer group starts; `earliest` (the default) delivers what came before the first start. */
  readonly fromBeginning?: boolean;
}

/**
 * Reads the alerts topic in the notifier's own consumer group and commits an offset only
 * after the transitions before it are in the store (history + outbox). A store outage
 * stops the batch; kafkajs restarts the consumer and the same records come again.
 */
export class KafkaIntake {
  private readonly consumer: Consumer;
  private malformed = 0;

  constructor(private readonly o: KafkaIntakeOptions) {
    this.consumer = o.kafka.consumer({ groupId: o.groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false, retry: { retries: 1_000_000, maxRetryTime: 10_000 } });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.o.topic], fromBeginning: this.o.fromBeginning ?? true });
    this.consumer.on(this.consumer.events.CRASH, (e) => this.o.log('warn', 'alerts consumer restarting', { error: e.payload.error.message, restart: e.payload.restart }));
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (b) => this.onBatch(b) });
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const list: AlertTransition[] = [];
    for (const m of payload.batch.messages) {
      const t = decodeAlert(m.value);
      if (t) list.push(t);
      else this.malformed++;
    }
    await storeThenCommit(this.consumer, payload, () => this.o.intake.accept(list), () => this.o.metrics.storeErrors.inc({ op: 'intake' }));
  }

  /** Records on the topic that were not transitions (skipped, counted). */
  malformedCount(): number {
    return this.malformed;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
