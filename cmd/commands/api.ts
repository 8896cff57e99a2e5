import { buildApi } from '../../src/api/app.js';
import { startInProcess } from '../../src/dev/pipeline.js';
import { listenOrExplain } from '../../src/api/listen.js';
import { summarizeRule } from '../../src/api/rule-summary.js';
import { API_OPTIONS, apiSettingsFrom } from '../../src/config/api.js';
import type { OptionSpecs, ResolvedOptions } from '../../src/config/options.js';
import type { ApiSettings } from '../../src/config/api.js';
import type { Registry } from 'prom-client';
import type { NotifierStore } from '../../src/store/notify/types.js';
import { isHwError } from '../../src/errors.js';
import { createKafkaBackend } from '../../src/kafka/backend.js';
import { KAFKA_OPTIONS, kafkaSettingsFrom } from '../../src/kafka/config.js';
import { parseDuration } from '../../src/config/duration.js';
import { GroupLagMonitor } from '../../src/metrics/group-lag.js';
import { createRegistry } from '../../src/metrics/registry.js';
import { loadRuleFiles, type LoadedRule } from '../../src/rules/index.js';
import { knownRules } from '../../src/api/rules/known.js';
import { startKafkaLiveData } from '../../src/kafka/live-data.js';
import { defineCommand, untilAborted, type RunContext } from './command.js';
import { KubeRuleRepository } from '../../src/api/rules/kubernetes.js';
import type { RuleRepository } from '../../src/api/rules/types.js';
import { KubeClient } from '../../src/operator/kube.js';
import { kafkaBacktestSource } from '../../src/backtest/kafka-source.js';
import { RULES_OPTION, resolveRulesPath } from './rules-option.js';
import { STORE_OPTIONS } from '../../src/notifier/options.js';
import { MongoNotifierStore } from '../../src/store/notify/mongo.js';

const OPTIONS = {
  ...API_OPTIONS,
  bus: { type: 'string', env: 'HERDWATCH_BUS', default: 'memory', choices: ['memory', 'kafka'], description: 'Event bus: kafka (publish to Kafka, read alerts/trends topics) or memory (in-process detectors on --rules)' },
  rules: RULES_OPTION,
  'rules-backend': { type: 'string', env: 'HERDWATCH_RULES_BACKEND', default: 'files', choices: ['files', 'kubernetes'], description: 'Where the rules API reads and writes rules: files (--rules, in memory) or kubernetes (HerdRules, as the requesting user)' },
  'rules-namespace': { type: 'string', env: 'HERDWATCH_RULES_NAMESPACE', default: 'default', description: 'Kubernetes namespace new rules go to, and listed when the caller may not list all namespaces' },
  'impersonate-groups': { type: 'string', env: 'HERDWATCH_IMPERSONATE_GROUPS', description: 'Comma-separated Kubernetes groups every API caller is given when impersonated (bind RBAC to them)' },
  ...KAFKA_OPTIONS,
  ...STORE_OPTIONS,
  'traffic-topic': { type: 'string', env: 'HERDWATCH_TRAFFIC_TOPIC', default: 'herdwatch.traffic', description: 'Compacted topic of site traffic per minute that API replicas publish and read (bus kafka; the Live traffic chart)' },
  'group-lag': { type: 'string', env: 'HERDWATCH_GROUP_LAG', default: '10s', description: 'How often to read the detector consumer groups\' lag from the broker for /metrics (bus kafka), so a stopped detector shows as lag; 0 or off never' },
} as const satisfies OptionSpecs;

/** Rules to list at /api/v1/rules; with Kafka they live in the cluster, so a missing directory is not an error. */
async function ruleFiles(path: string, optional: boolean, ctx: RunContext): Promise<LoadedRule[]> {
  try {
    return await loadRuleFiles(path);
  } catch (err) {
    if (!optional || !isHwError(err) || err.code !== 'HW_ERR_RULE_FILE') throw err;
    ctx.logger.warn({ path }, `no rule files at ${path}; /api/v1/rules lists none`);
    return [];
  }
}

export default defineCommand({
  name: 'api',
  summary: 'Serve the HTTP API: ingestion, trending, alerts, live stream, OpenAPI',
  options: OPTIONS,
  async run(o, _positionals, ctx) {
    const settings = apiSettingsFrom(o);
    const registry = createRegistry({ defaultMetrics: true, labels: { component: 'api' } });
    // On Kubernetes the rules API writes HerdRules as each caller (impersonation): RBAC decides.
    const kubeRules: RuleRepository | undefined = o['rules-backend'] === 'kubernetes'
      ? new KubeRuleRepository({
        kube: KubeClient.fromDefault(),
        defaultNamespace: o['rules-namespace'],
        extraGroups: (o['impersonate-groups'] ?? '').split(',').map((g) => g.trim()).filter(Boolean),
      })
      : undefined;
    // The notifier's store (it writes alerts, deliveries, transactions, KPIs): the API serves history from it.
    const notifications = o.mongodb ? new MongoNotifierStore({ uri: o.mongodb, ...(o['mongodb-db'] ? { db: o['mongodb-db'] } : {}) }) : undefined;
    await notifications?.init();
    try {
      return await serve(o, ctx, { settings, registry, kubeRules, ...(notifications ? { notifications } : {}) });
    } finally {
      await notifications?.close();
    }
  },
});

async function serve(o: ResolvedOptions<typeof OPTIONS>, ctx: RunContext, deps: {
  settings: ApiSettings; registry: Registry; kubeRules: RuleRepository | undefined; notifications?: NotifierStore;
}): Promise<number> {
  const { settings, registry, kubeRules } = deps;
  const logger = ctx.logger;
  const history = deps.notifications ? { notifications: deps.notifications } : {};
  if (o.bus === 'memory') {
    const stack = await startInProcess({ rules: await loadRuleFiles(resolveRulesPath(o.rules)), registry, settings, eventClock: Date.now, logger, ...history, ...(kubeRules ? { rulesRepo: kubeRules } : {}) });
    try {
      const address = await listenOrExplain(stack.app, o.host, o.port);
      logger.info({ address, bus: 'memory' }, `listening on ${address} (in-memory bus, detectors in this process)`);
      await untilAborted(ctx.signal);
    } finally {
      await stack.close();
    }
    return 0;
  }
  const kafka = kafkaSettingsFrom(o, ctx.env, { topics: { events: o['events-topic'], alerts: o['alerts-topic'], trends: o['trends-topic'] } });
  const backend = await createKafkaBackend(kafka, { sendTimeoutMs: settings.sendTimeoutMs, logger });
  const files = await ruleFiles(resolveRulesPath(o.rules), true, ctx);
  const rules = files.map(summarizeRule);
  const live = await startKafkaLiveData({
    kafka: backend.kafka, eventsTopic: kafka.topics.events, trafficTopic: o['traffic-topic'], store: backend.store, logger,
    rules: knownRules(files.map((l) => l.compiled), kubeRules),
  });
  const groupLag = /^(0|off)$/.test(o['group-lag']) ? undefined : new GroupLagMonitor(backend.kafka, registry, {
    topics: [o['events-topic']], intervalMs: parseDuration(o['group-lag'], '--group-lag'),
    onError: (err) => logger.warn({ err: err.message }, 'cannot read the detector groups\' lag'),
  });
  await groupLag?.start();
  const app = await buildApi({
    sink: live.counting(backend.sink), store: backend.store, liveData: live.liveData, registry, settings, ready: backend.ready, rules: () => rules, logger,
    ...(kubeRules ? { rulesRepo: kubeRules } : {}), ...history,
    backtest: { source: kafkaBacktestSource(backend.kafka, kafka.topics.events) },
  });
  try {
    const address = await listenOrExplain(app, o.host, o.port);
    logger.info({ address, bus: 'kafka', brokers: kafka.brokers }, `listening on ${address} (Kafka ${kafka.brokers.join(',')})`);
    await untilAborted(ctx.signal);
  } finally {
    await app.close();
    await groupLag?.stop();
    await live.close();
    await backend.close();
  }
  return 0;
}
