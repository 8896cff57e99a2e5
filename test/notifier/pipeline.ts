import type { Registry } from 'prom-client';
import type { Kafka } from 'kafkajs';
import { createRegistry } from '../../src/metrics/registry.js';
import { KafkaIntake } from '../../src/notifier/kafka-intake.js';
import { Notifier, type NotifierOptions } from '../../src/notifier/notifier.js';
import { StaticRuleDirectory, type RuleRoute } from '../../src/notifier/routing.js';
import { LocalSecrets, secretEnvName } from '../../src/notifier/secrets.js';
import { AddressGuard } from '../../src/notifier/ssrf.js';
import type { ChannelSpec } from '../../src/rules/schema.js';
import { MongoNotifierStore } from '../../src/store/notify/mongo.js';
import { alertmanagerUrl, freshDb, mongoUri, smtpUrl } from './env.js';

export const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** The key the sender rotates to; the receiver still only knows the old one. */
export const NEW_WEBHOOK_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

/** All four channels of a test rule, with their secrets as HERDWATCH_SECRET_* variables. */
export function fourChannels(o: { slackSecret: string; webhookUrl: string; alertmanager?: string }): { channels: ChannelSpec[]; env: Record<string, string> } {
  const env: Record<string, string> = {
    [secretEnvName({ name: 'slack-trending', key: 'token' })]: o.slackSecret,
    [secretEnvName({ name: 'erp-hook', key: 'url' })]: o.webhookUrl,
    [secretEnvName({ name: 'erp-hook', key: 'secret' })]: `${NEW_WEBHOOK_SECRET} ${WEBHOOK_SECRET}`,
  };
  return {
    env,
    channels: [
      { slack: { webhookSecretRef: { name: 'slack-trending', key: 'token' }, channel: '#trending' } },
      { email: { to: ['merch@shop.example'] } },
      { alertmanager: o.alertmanager ? { url: o.alertmanager } : {} },
      { webhook: { urlSecretRef: { name: 'erp-hook', key: 'url' }, signingSecretRef: { name: 'erp-hook', key: 'secret' } } },
    ],
  };
}

export interface TestNotifier {
  readonly notifier: Notifier;
  readonly store: MongoNotifierStore;
  readonly intake?: KafkaIntake;
  readonly registry: Registry;
  stop(): Promise<void>;
}

/** A notifier on FerretDB (or MONGODB_URI) and the real SMTP/Alertmanager, reading `topic` when given. */
export async function startNotifier(o: {
  route: RuleRoute; env: Record<string, string>; slackApiUrl: string; kafka?: Kafka; topic?: string; db?: string;
  overrides?: Partial<NotifierOptions>;
}): Promise<TestNotifier> {
  const store = new MongoNotifierStore({ uri: mongoUri(), db: o.db ?? freshDb('notifier') });
  const registry = createRegistry();
  const notifier = new Notifier({
    store, registry, routes: new StaticRuleDirectory([o.route]), secrets: new LocalSecrets(o.env),
    channels: {
      uiUrl: 'http://herdwatch.test', timeoutMs: 2_000, smtpUrl: smtpUrl(), mailFrom: 'HerdWatch <herdwatch@shop.example>',
      alertmanagerUrl: alertmanagerUrl(), alertmanagerTtlMs: 600_000, slackApiUrl: o.slackApiUrl, guard: new AddressGuard(['127.0.0.0/8']),
    },
    backoff: { scale: 0.001 }, slackPerSec: 50, pollMs: 50, digestPerMinute: 0, ...o.overrides,
  });
  await notifier.start();
  let intake: KafkaIntake | undefined;
  if (o.kafka && o.topic) {
    intake = new KafkaIntake({ kafka: o.kafka, topic: o.topic, groupId: `notifier-${freshDb('g')}`, intake: notifier.intake, metrics: notifier.metrics, log: () => undefined });
    await intake.start();
  }
  return {
    notifier, store, registry, ...(intake ? { intake } : {}),
    async stop() {
      await intake?.stop();
      await notifier.stop();
      await store.close();
    },
  };
}
