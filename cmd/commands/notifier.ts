import { parseDuration } from '../../src/config/duration.js';
import { createKafka } from '../../src/kafka/client.js';
import { startProbeServer } from '../../src/health/server.js';
import { kafkaSettingsFrom } from '../../src/kafka/config.js';
import { createRegistry } from '../../src/metrics/registry.js';
import { KafkaIntake } from '../../src/notifier/kafka-intake.js';
import { KafkaTransactionWriter } from '../../src/notifier/kafka-transactions.js';
import { KubeRuleDirectory, routesFromLoaded } from '../../src/notifier/kube-rules.js';
import type { Log } from '../../src/notifier/log.js';
import { Notifier } from '../../src/notifier/notifier.js';
import { channelDefaultsFrom, checkNotifierValues, NOTIFIER_OPTIONS, retentionFrom } from '../../src/notifier/options.js';
import { StaticRuleDirectory } from '../../src/notifier/routing.js';
import { KubeSecrets, LocalSecrets } from '../../src/notifier/secrets.js';
import { KubeClient } from '../../src/operator/kube.js';
import { loadRuleFiles } from '../../src/rules/index.js';
import { MemoryNotifierStore } from '../../src/store/notify/memory.js';
import { MongoNotifierStore } from '../../src/store/notify/mongo.js';
import { defineCommand, untilAborted } from './command.js';
import { RULES_OPTION, resolveRulesPath } from './rules-option.js';

const OPTIONS = { ...NOTIFIER_OPTIONS, rules: RULES_OPTION } as const;

export default defineCommand({
  name: 'notifier',
  summary: 'Consume alerts, keep their history in MongoDB and deliver them to Slack, e-mail, Alertmanager and webhooks through an outbox',
  options: OPTIONS,
  async run(o, _positionals, ctx) {
    checkNotifierValues(o);
    const logger = ctx.logger.child({ component: 'notifier' });
    const log: Log = (level, msg, fields) => logger[level](fields ?? {}, msg);
    const retention = retentionFrom(o);
    const store = o.mongodb
      ? new MongoNotifierStore({ uri: o.mongodb, retention, ...(o['mongodb-db'] ? { db: o['mongodb-db'] } : {}) })
      : new MemoryNotifierStore(retention);
    if (!o.mongodb) log('warn', 'no --mongodb: history and outbox are in memory and do not survive a restart');

    const onKube = o['rules-from'] === 'kubernetes';
    const kube = onKube ? KubeClient.fromDefault() : undefined;
    const routes = kube ? new KubeRuleDirectory(kube, 30_000, log) : new StaticRuleDirectory(routesFromLoaded(await loadRuleFiles(resolveRulesPath(o.rules))));
    if (routes instanceof KubeRuleDirectory) await routes.start();
    const secrets = kube ? new KubeSecrets(kube) : new LocalSecrets(ctx.env, o['secrets-dir']);

    const registry = createRegistry({ defaultMetrics: true, labels: { component: 'notifier' } });
    const notifier = new Notifier({
      store, routes, secrets, registry, log,
      channels: channelDefaultsFrom(o),
      ...(o.instance ? { instance: o.instance } : {}),
      concurrency: o.concurrency, leaseMs: parseDuration(o.lease, '--lease'),
      backoff: { scale: o['retry-scale'], maxAttempts: o['max-attempts'] },
      slackPerSec: o['slack-rate'], digestPerMinute: o['digest-per-minute'],
      alertmanagerRepostMs: parseDuration(o['alertmanager-repost'], '--alertmanager-repost'),
      sweepEveryMs: parseDuration(o['sweep-every'], '--sweep-every'),
    });
    await notifier.start();

    const topics = { alerts: o['alerts-topic'], events: o['events-topic'], trends: 'herdwatch.trends' };
    const kafka = createKafka(kafkaSettingsFrom(o, ctx.env, { clientId: 'herdwatch-notifier', topics }), ctx.logger);
    const intake = new KafkaIntake({ kafka, topic: o['alerts-topic'], groupId: o.group, intake: notifier.intake, metrics: notifier.metrics, log });
    const writer = o.transactions ? new KafkaTransactionWriter({ kafka, topic: o['events-topic'], groupId: `${o.group}-transactions`, store, metrics: notifier.metrics, log }) : undefined;
    let consuming = false;
    const server = await startProbeServer({
      live: () => true,
      ready: () => ({ ready: consuming, reason: 'joining the consumer group' }),
      status: () => ({ owner: notifier.dispatcher.owner, alertsTopic: o['alerts-topic'], group: o.group, store: o.mongodb ? 'mongodb' : 'memory', malformed: intake.malformedCount() }),
    }, registry, { host: o.host, port: o.port });
    await intake.start();
    await writer?.start();
    consuming = true;
    logger.info({ topic: o['alerts-topic'], group: o.group, port: server.port },
      `${o['alerts-topic']} (group ${o.group}) → ${o.mongodb ? 'MongoDB' : 'memory'}; probes on port ${server.port}`);
    await untilAborted(ctx.signal);
    logger.info('stopping');
    await Promise.allSettled([intake.stop(), writer?.stop()]);
    await notifier.stop();
    if (routes instanceof KubeRuleDirectory) routes.stop();
    await store.close();
    await server.close();
    return 0;
  },
});
