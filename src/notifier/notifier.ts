import type { Registry } from 'prom-client';
import type { AlertSink } from '../bus/types.js';
import { backoffPolicy, type BackoffOptions } from './backoff.js';
import { ChannelFactory, type ChannelDefaults } from './channels/factory.js';
import { closeEmailTransports } from './channels/email.js';
import { Dispatcher } from './dispatcher.js';
import { Intake } from './intake.js';
import { silentLog, type Log } from './log.js';
import { createNotifierMetrics, type NotifierMetrics } from './metrics.js';
import { TargetRateLimiter } from './ratelimit.js';
import { AlertmanagerReposter } from './reposter.js';
import { RetentionSweeper } from './retention.js';
import type { RuleDirectory } from './routing.js';
import type { SecretSource } from './secrets.js';
import type { AlertTransition, NotifierStore } from '../store/notify/types.js';

export interface NotifierOptions {
  readonly store: NotifierStore;
  readonly routes: RuleDirectory;
  readonly secrets: SecretSource;
  readonly channels: ChannelDefaults;
  readonly registry: Registry;
  readonly instance?: string;
  readonly concurrency?: number;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  readonly backoff?: BackoffOptions;
  /** Slack messages per second per channel (Slack asks for about 1). */
  readonly slackPerSec?: number;
  readonly slackBurst?: number;
  readonly digestPerMinute?: number;
  readonly alertmanagerRepostMs?: number;
  readonly sweepEveryMs?: number;
  readonly clock?: () => number;
  readonly log?: Log;
}

/**
 * The notifier without its input: a store, an intake that records transitions into history
 * and the outbox, a dispatcher working the outbox, the Alertmanager re-poster and the
 * retention sweeper. The command feeds it from Kafka; `dev` feeds it in-process.
 */
export class Notifier {
  readonly intake: Intake;
  readonly dispatcher: Dispatcher;
  readonly metrics: NotifierMetrics;
  readonly factory: ChannelFactory;
  private readonly reposter: AlertmanagerReposter;
  private readonly sweeper: RetentionSweeper;

  constructor(readonly o: NotifierOptions) {
    const clock = o.clock ?? Date.now;
    const log = o.log ?? silentLog;
    this.metrics = createNotifierMetrics(o.registry, o.store, clock);
    this.factory = new ChannelFactory(o.secrets, o.channels);
    this.dispatcher = new Dispatcher({
      store: o.store, factory: this.factory, routes: o.routes, metrics: this.metrics, backoff: backoffPolicy(o.backoff),
      slackLimiter: new TargetRateLimiter(o.slackPerSec ?? 1, o.slackBurst ?? 3), digestPerMinute: o.digestPerMinute ?? 20, clock, log,
      ...(o.instance ? { instance: o.instance } : {}), ...(o.concurrency ? { concurrency: o.concurrency } : {}),
      ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}), ...(o.pollMs ? { pollMs: o.pollMs } : {}),
    });
    this.intake = new Intake({ store: o.store, routes: o.routes, metrics: this.metrics, clock, log, onEnqueued: () => this.dispatcher.kick() });
    this.reposter = new AlertmanagerReposter({ store: o.store, routes: o.routes, factory: this.factory, everyMs: o.alertmanagerRepostMs ?? 60_000, clock, log });
    this.sweeper = new RetentionSweeper({ store: o.store, everyMs: o.sweepEveryMs ?? 60_000, clock, log });
  }

  async start(): Promise<void> {
    await this.o.store.init();
    await this.dispatcher.start();
    this.reposter.start();
    this.sweeper.start();
  }

  /** The notifier as an AlertSink (dev: the in-process runner sends to it like to Kafka). */
  asSink(): AlertSink {
    return { sendAlerts: (ts) => this.accept(ts), sendTrends: async () => undefined };
  }

  /** For in-process callers (dev, tests): store and enqueue, resolving once both are durable. */
  accept(transitions: readonly AlertTransition[]): Promise<void> {
    return this.intake.accept(transitions);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.dispatcher.stop(), this.reposter.stop(), this.sweeper.stop()]);
    closeEmailTransports();
  }
}
