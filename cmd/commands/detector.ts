import { parseDuration } from '../../src/config/duration.js';
import { MAX_FUTURE_SKEW_OPTION } from '../../src/config/future-skew.js';
import type { OptionSpecs } from '../../src/config/options.js';
import { KafkaDetector } from '../../src/detector/kafka/runtime.js';
import { HwError } from '../../src/errors.js';
import { startProbeServer } from '../../src/health/server.js';
import { createKafka } from '../../src/kafka/client.js';
import { KAFKA_OPTIONS, kafkaSettingsFrom } from '../../src/kafka/config.js';
import { createMissingTopics, DEFAULT_LAYOUT } from '../../src/kafka/topics.js';
import { createRegistry } from '../../src/metrics/registry.js';
import { loadRuleFiles } from '../../src/rules/index.js';
import { selectRule } from '../../src/rules/select.js';
import { defineCommand, untilAborted } from './command.js';
import { RULES_OPTION } from './rules-option.js';

const OPTIONS = {
  rule: { type: 'string', env: 'HERDWATCH_RULE', description: 'The rule to run, as namespace/name (a bare name means the default namespace)' },
  'rule-file': { ...RULES_OPTION, env: 'HERDWATCH_RULE_FILE', description: 'HerdRule YAML file or directory holding the rule' },
  ...KAFKA_OPTIONS,
  'dead-letter-topic': { type: 'string', env: 'HERDWATCH_DEAD_LETTER_TOPIC', description: 'Where malformed messages go (they are counted and skipped either way)' },
  'max-future-skew': MAX_FUTURE_SKEW_OPTION,
  replay: { type: 'string', env: 'HERDWATCH_REPLAY', description: 'History replayed silently on partition assignment, e.g. 30m (default: window + baseline warm-up, at most 24h)' },
  'start-from': { type: 'string', env: 'HERDWATCH_START_FROM', default: 'latest', choices: ['latest', 'earliest'], description: 'Where a new consumer group starts: latest (alert on new events) or earliest (everything retained)' },
  'idle-advance': { type: 'string', env: 'HERDWATCH_IDLE_ADVANCE', default: '5s', description: 'Advance event time by the clock on a partition idle this long, so alerts resolve without traffic; 0 or off never' },
  'engine-threads': { type: 'number', env: 'HERDWATCH_ENGINE_THREADS', default: 0, integer: true, min: 0, description: 'Run the engines in a worker thread (1) so decoding and evaluation use a second CPU; 0 in this thread' },
  'create-topics': { type: 'boolean', env: 'HERDWATCH_CREATE_TOPICS', default: true, description: 'Create missing topics at start' },
  host: { type: 'string', env: 'HERDWATCH_HOST', default: '0.0.0.0', description: 'Address of /metrics, /healthz, /readyz' },
  port: { type: 'number', env: 'HERDWATCH_METRICS_PORT', default: 9464, integer: true, min: 0, max: 65535, description: 'Port of /metrics, /healthz, /readyz (0 picks a free one)' },
} as const satisfies OptionSpecs;

export default defineCommand({
  name: 'detector',
  summary: 'Consume a rule\'s topic from Kafka, run the engine per partition, emit alerts and trends',
  usage: '--rule <namespace/name> [options]',
  options: OPTIONS,
  async run(o, _positionals, ctx) {
    if (!o.rule) throw new HwError('HW_ERR_USAGE', { field: '--rule', expected: 'namespace/name of a rule in --rule-file' });
    const startFrom = o['start-from'] as 'latest' | 'earliest';
    const found = selectRule(await loadRuleFiles(o['rule-file']), o.rule, o['rule-file']);
    const topics = { events: o['events-topic'], alerts: o['alerts-topic'], trends: o['trends-topic'] };
    const settings = kafkaSettingsFrom(o, ctx.env, { clientId: `herdwatch-detector-${found.compiled.name}`, topics });
    const logger = ctx.logger;
    const kafka = createKafka(settings, logger);
    const source = found.rule.spec.source?.topic ?? topics.events;
    if (o['create-topics']) {
      await createMissingTopics(kafka, { ...topics, events: source }, { ...DEFAULT_LAYOUT, ...(o['dead-letter-topic'] ? { deadLetter: o['dead-letter-topic'] } : {}) });
    }
    const registry = createRegistry({ defaultMetrics: true, labels: { component: 'detector' } });
    const detector = new KafkaDetector({
      kafka, rule: found.compiled, topics, sourceTopic: source, registry, startFrom,
      ...(o.replay ? { replayMs: parseDuration(o.replay, '--replay') } : {}),
      engineThreads: o['engine-threads'],
      idleAdvanceMs: /^(0|off)$/.test(o['idle-advance']) ? 0 : parseDuration(o['idle-advance'], '--idle-advance'),
      ...(o['dead-letter-topic'] ? { deadLetterTopic: o['dead-letter-topic'] } : {}),
      futureSkewMs: o['max-future-skew'],
      logger,
    });
    const server = await startProbeServer({
      live: () => detector.healthy(),
      ready: () => ({ ready: detector.ready(), reason: detector.healthy() ? 'catching up' : 'consumer failed' }),
      status: () => detector.status(),
    }, registry, { host: o.host, port: o.port });
    await detector.start();
    logger.info({ rule: o.rule, topic: source, groupId: detector.groupId, port: server.port },
      `${found.compiled.namespace}/${found.compiled.name} on ${source} (group ${detector.groupId}); probes on port ${server.port}`);
    await untilAborted(ctx.signal);
    logger.info('stopping (committing and leaving the group)');
    await detector.stop();
    await server.close();
    return 0;
  },
});
