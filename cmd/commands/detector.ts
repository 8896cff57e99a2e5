import { parseDuration } from '../../src/config/duration.js';
import type { OptionSpecs } from '../../src/config/options.js';
import { KafkaDetector } from '../../src/detector/kafka/runtime.js';
import { startProbeServer } from '../../src/detector/kafka/server.js';
import { HwError } from '../../src/errors.js';
import { createKafka } from '../../src/kafka/client.js';
import { kafkaSettings } from '../../src/kafka/config.js';
import { DEFAULT_LAYOUT, ensureTopics } from '../../src/kafka/topics.js';
import { createRegistry } from '../../src/metrics/registry.js';
import { loadRuleFiles } from '../../src/rules/index.js';
import { selectRule } from '../../src/rules/select.js';
import { defineCommand, untilAborted } from './command.js';
import { RULES_OPTION } from './rules-option.js';

const OPTIONS = {
  rule: { type: 'string', env: 'HERDWATCH_RULE', description: 'The rule to run, as namespace/name (a bare name means the default namespace)' },
  'rule-file': { ...RULES_OPTION, env: 'HERDWATCH_RULE_FILE', description: 'HerdRule YAML file or directory holding the rule' },
  'kafka-brokers': { type: 'string', env: 'HERDWATCH_KAFKA_BROKERS', description: 'Kafka bootstrap servers, host:port,... (TLS/SASL from HERDWATCH_KAFKA_SSL, HERDWATCH_KAFKA_SASL_*)' },
  'events-topic': { type: 'string', env: 'HERDWATCH_EVENTS_TOPIC', default: 'herdwatch.events', description: 'Events topic, when the rule names no source.topic' },
  'alerts-topic': { type: 'string', env: 'HERDWATCH_ALERTS_TOPIC', default: 'herdwatch.alerts', description: 'Topic for alert transitions' },
  'trends-topic': { type: 'string', env: 'HERDWATCH_TRENDS_TOPIC', default: 'herdwatch.trends', description: 'Compacted topic for trending snapshots' },
  'dead-letter-topic': { type: 'string', env: 'HERDWATCH_DEAD_LETTER_TOPIC', description: 'Where malformed messages go (they are counted and skipped either way)' },
  replay: { type: 'string', env: 'HERDWATCH_REPLAY', description: 'History replayed silently on partition assignment, e.g. 30m (default: window + baseline warm-up, at most 24h)' },
  'start-from': { type: 'string', env: 'HERDWATCH_START_FROM', default: 'latest', description: 'Where a new consumer group starts: latest (alert on new events) or earliest (everything retained)' },
  'idle-advance': { type: 'string', env: 'HERDWATCH_IDLE_ADVANCE', default: '5s', description: 'Advance event time by the clock on a partition idle this long, so alerts resolve without traffic; 0 or off never' },
  'engine-threads': { type: 'number', env: 'HERDWATCH_ENGINE_THREADS', default: 0, description: 'Run the engines in a worker thread (1) so decoding and evaluation use a second CPU; 0 in this thread' },
  'create-topics': { type: 'boolean', env: 'HERDWATCH_CREATE_TOPICS', default: true, description: 'Create missing topics at start' },
  host: { type: 'string', env: 'HERDWATCH_HOST', default: '0.0.0.0', description: 'Address of /metrics, /healthz, /readyz' },
  port: { type: 'number', env: 'HERDWATCH_METRICS_PORT', default: 9464, description: 'Port of /metrics, /healthz, /readyz (0 picks a free one)' },
} as const satisfies OptionSpecs;

export default defineCommand({
  name: 'detector',
  summary: 'Consume a rule\'s topic from Kafka, run the engine per partition, emit alerts and trends',
  usage: '--rule <namespace/name> [options]',
  options: OPTIONS,
  async run(o, _positionals, ctx) {
    if (!o.rule) throw new HwError('HW_ERR_USAGE', { field: '--rule', expected: 'namespace/name of a rule in --rule-file' });
    const startFrom = o['start-from'];
    if (startFrom !== 'latest' && startFrom !== 'earliest') throw new HwError('HW_ERR_USAGE', { field: '--start-from', expected: 'latest or earliest' });
    const found = selectRule(await loadRuleFiles(o['rule-file']), o.rule, o['rule-file']);
    const topics = { events: o['events-topic'], alerts: o['alerts-topic'], trends: o['trends-topic'] };
    const settings = kafkaSettings({ ...(o['kafka-brokers'] ? { brokers: o['kafka-brokers'] } : {}), clientId: `herdwatch-detector-${found.compiled.name}`, topics }, ctx.env);
    const kafka = createKafka(settings);
    const source = found.rule.spec.source?.topic ?? topics.events;
    if (o['create-topics']) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await ensureTopics(admin, { ...topics, events: source }, { ...DEFAULT_LAYOUT, ...(o['dead-letter-topic'] ? { deadLetter: o['dead-letter-topic'] } : {}) });
      } finally {
        await admin.disconnect();
      }
    }
    const registry = createRegistry({ defaultMetrics: true, labels: { component: 'detector' } });
    const detector = new KafkaDetector({
      kafka, rule: found.compiled, topics, sourceTopic: source, registry, startFrom,
      ...(o.replay ? { replayMs: parseDuration(o.replay, '--replay') } : {}),
      engineThreads: o['engine-threads'],
      idleAdvanceMs: /^(0|off)$/.test(o['idle-advance']) ? 0 : parseDuration(o['idle-advance'], '--idle-advance'),
      ...(o['dead-letter-topic'] ? { deadLetterTopic: o['dead-letter-topic'] } : {}),
      log: (level, msg, fields) => ctx.err(JSON.stringify({ level, component: 'detector', rule: o.rule, msg, ...fields })),
    });
    const server = await startProbeServer(detector, registry, { host: o.host, port: o.port });
    const addr = server.address();
    await detector.start();
    ctx.err(`herdwatch detector: ${found.compiled.namespace}/${found.compiled.name} on ${source} (group ${detector.groupId}); probes on port ${typeof addr === 'object' && addr ? addr.port : o.port}`);
    await untilAborted(ctx.signal);
    ctx.err('herdwatch detector: stopping (committing and leaving the group)');
    await detector.stop();
    await new Promise((r) => server.close(r));
    return 0;
  },
});
