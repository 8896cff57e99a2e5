import { buildApi } from '../../src/api/app.js';
import { startInProcess } from '../../src/dev/pipeline.js';
import { listenOrExplain } from '../../src/api/listen.js';
import { summarizeRule } from '../../src/api/rule-summary.js';
import type { RuleSummary } from '../../src/api/types.js';
import { API_OPTIONS, apiSettingsFrom } from '../../src/config/api.js';
import type { OptionSpecs } from '../../src/config/options.js';
import { HwError, isHwError } from '../../src/errors.js';
import { createKafkaBackend } from '../../src/kafka/backend.js';
import { kafkaSettings } from '../../src/kafka/config.js';
import { createRegistry } from '../../src/metrics/registry.js';
import { loadRuleFiles } from '../../src/rules/index.js';
import { defineCommand, untilAborted, type CommandContext } from './command.js';
import { RULES_OPTION, resolveRulesPath } from './rules-option.js';

const OPTIONS = {
  ...API_OPTIONS,
  bus: { type: 'string', env: 'HERDWATCH_BUS', default: 'memory', description: 'Event bus: kafka (publish to Kafka, read alerts/trends topics) or memory (in-process detectors on --rules)' },
  rules: RULES_OPTION,
  'log-level': { type: 'string', env: 'HERDWATCH_LOG_LEVEL', default: 'info', description: 'Request log level (JSON lines on stdout): silent, error, warn, info, debug' },
  'kafka-brokers': { type: 'string', env: 'HERDWATCH_KAFKA_BROKERS', description: 'Kafka bootstrap servers host:port,... (bus kafka); TLS/SASL only from HERDWATCH_KAFKA_* variables' },
  'events-topic': { type: 'string', env: 'HERDWATCH_EVENTS_TOPIC', default: 'herdwatch.events', description: 'Topic events are produced to' },
  'alerts-topic': { type: 'string', env: 'HERDWATCH_ALERTS_TOPIC', default: 'herdwatch.alerts', description: 'Topic alert transitions are read from' },
  'trends-topic': { type: 'string', env: 'HERDWATCH_TRENDS_TOPIC', default: 'herdwatch.trends', description: 'Compacted topic trending snapshots are read from' },
} as const satisfies OptionSpecs;

/** Rules to list at /api/v1/rules; with Kafka they live in the cluster, so a missing directory is not an error. */
async function ruleSummaries(path: string, optional: boolean, ctx: CommandContext): Promise<RuleSummary[]> {
  try {
    return (await loadRuleFiles(path)).map(summarizeRule);
  } catch (err) {
    if (!optional || !isHwError(err) || err.code !== 'HW_ERR_RULE_FILE') throw err;
    ctx.err(`herdwatch api: no rule files at ${path}; /api/v1/rules lists none`);
    return [];
  }
}

export default defineCommand({
  name: 'api',
  summary: 'Serve the HTTP API: ingestion, trending, alerts, live stream, OpenAPI',
  options: OPTIONS,
  async run(o, _positionals, ctx) {
    const settings = apiSettingsFrom(o);
    const levels = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
    const logLevel = levels.find((l) => l === o['log-level']);
    if (!logLevel) throw new HwError('HW_ERR_USAGE', { field: '--log-level', expected: levels.join(', '), message: `log level "${o['log-level']}" is unknown` });
    const registry = createRegistry({ defaultMetrics: true });
    if (o.bus === 'memory') {
      const stack = await startInProcess({ rules: await loadRuleFiles(resolveRulesPath(o.rules)), registry, settings, eventClock: Date.now, logLevel });
      try {
        const address = await listenOrExplain(stack.app, o.host, o.port);
        ctx.err(`herdwatch api: listening on ${address} (in-memory bus, detectors in this process)`);
        await untilAborted(ctx.signal);
      } finally {
        await stack.close();
      }
      return 0;
    }
    if (o.bus !== 'kafka') throw new HwError('HW_ERR_USAGE', { field: '--bus', expected: 'kafka or memory', message: `bus "${o.bus}" is unknown` });

    const kafka = kafkaSettings({
      ...(o['kafka-brokers'] ? { brokers: o['kafka-brokers'] } : {}),
      topics: { events: o['events-topic'], alerts: o['alerts-topic'], trends: o['trends-topic'] },
    }, ctx.env);
    const backend = await createKafkaBackend(kafka, { sendTimeoutMs: settings.sendTimeoutMs });
    const rules = await ruleSummaries(resolveRulesPath(o.rules), true, ctx);
    const app = await buildApi({ sink: backend.sink, store: backend.store, registry, settings, ready: backend.ready, rules: () => rules, logLevel });
    try {
      const address = await listenOrExplain(app, o.host, o.port);
      ctx.err(`herdwatch api: listening on ${address} (Kafka ${kafka.brokers.join(',')})`);
      await untilAborted(ctx.signal);
    } finally {
      await app.close();
      await backend.close();
    }
    return 0;
  },
});
