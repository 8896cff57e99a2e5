import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { NotifierStore, OutboxStats } from '../store/notify/types.js';

export type Outcome = 'sent' | 'retry' | 'dead' | 'silenced' | 'digested' | 'disabled';

export interface NotifierMetrics {
  readonly notifications: Counter<'channel' | 'outcome'>;
  readonly deliverySeconds: Histogram<'channel'>;
  /** Send answered → outcome stored: the only window in which a crash can repeat a send. */
  readonly unconfirmedSeconds: Histogram<'channel'>;
  readonly transitions: Counter<'state'>;
  readonly storeErrors: Counter<'op'>;
  readonly transactions: Counter;
}

/**
 * Outbox gauges are read from the store at scrape time (depth, age of the oldest undelivered
 * delivery, dead letters per channel), so every replica reports the shared outbox.
 */
export function createNotifierMetrics(registry: Registry, store: NotifierStore, clock: () => number = Date.now): NotifierMetrics {
  // One store read per scrape, shared by the outbox gauges (prom-client collects them concurrently).
  let pending: { at: number; stats: Promise<OutboxStats[] | undefined> } | undefined;
  const stats = (): Promise<OutboxStats[] | undefined> => {
    const now = clock();
    if (!pending || now - pending.at > 500) {
      pending = { at: now, stats: store.outboxStats().catch(() => { storeErrors.inc({ op: 'outbox_stats' }); return undefined; }) };
    }
    return pending.stats;
  };
  const gauge = (name: string, help: string, value: (s: OutboxStats) => number) => new Gauge({
    name, help, labelNames: ['channel'], registers: [registry],
    async collect() {
      const list = await stats();
      if (!list) return; // keep the last values; herdwatch_notifier_store_errors_total says why
      this.reset();
      for (const s of list) this.set({ channel: s.channel }, value(s));
    },
  });
  gauge('herdwatch_notifier_outbox_depth', 'Deliveries not yet final (pending or claimed), per channel', (s) => s.depth);
  gauge('herdwatch_notifier_outbox_oldest_age_seconds', 'Age of the oldest delivery not yet final, per channel', (s) => (s.oldestAt === undefined ? 0 : Math.max(0, (clock() - s.oldestAt) / 1000)));
  gauge('herdwatch_notifier_dead_letters', 'Deliveries that gave up (dead letters), per channel', (s) => s.dead);
  const storeErrors = new Counter({ name: 'herdwatch_notifier_store_errors_total', help: 'Failed store operations', labelNames: ['op'], registers: [registry] });
  return {
    notifications: new Counter({ name: 'herdwatch_notifications_total', help: 'Delivery outcomes per channel: sent, retry, dead, silenced, digested, disabled', labelNames: ['channel', 'outcome'], registers: [registry] }),
    deliverySeconds: new Histogram({
      name: 'herdwatch_notification_delivery_seconds', help: 'From reading the transition off the topic to the channel accepting it', labelNames: ['channel'], registers: [registry],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200],
    }),
    unconfirmedSeconds: new Histogram({
      name: 'herdwatch_notifier_unconfirmed_seconds', help: 'From the channel accepting a send to the outbox recording it (a crash inside repeats the send)', labelNames: ['channel'], registers: [registry],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    }),
    transitions: new Counter({ name: 'herdwatch_notifier_transitions_total', help: 'Alert transitions read and stored, by state', labelNames: ['state'], registers: [registry] }),
    storeErrors,
    transactions: new Counter({ name: 'herdwatch_notifier_transactions_total', help: 'Purchase/payment events stored as transactions', registers: [registry] }),
  };
}
