import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import type { OptionSpecs } from '../../src/config/options.js';
import { HwError } from '../../src/errors.js';
import { parseOperatorConfig, renderOptionsFrom } from '../../src/operator/config.js';
import { startOperator } from '../../src/operator/run.js';
import type { RetiringRule } from '../../src/operator/finalizer.js';
import { createKafka } from '../../src/kafka/client.js';
import { KAFKA_CONNECTION_OPTIONS, KAFKA_TOPIC_OPTIONS, kafkaSettingsFrom } from '../../src/kafka/config.js';
import { retireTrends } from '../../src/kafka/trends-retire.js';
import { defineCommand } from './command.js';

const OPTIONS = {
  config: { type: 'string', env: 'HERDWATCH_OPERATOR_CONFIG', description: 'YAML file with the detector template: image, env, resources, partitions, nodeSelector (see docs/operator.md)' },
  image: { type: 'string', env: 'HERDWATCH_DETECTOR_IMAGE', description: 'Detector image; overrides the config file' },
  partitions: { type: 'number', env: 'HERDWATCH_TOPIC_PARTITIONS', description: 'Partitions of the events topic; detector replicas never exceed it' },
  'default-topic': { type: 'string', env: 'HERDWATCH_EVENTS_TOPIC', description: 'Topic for rules whose spec names none' },
  namespace: { type: 'string', env: 'HERDWATCH_WATCH_NAMESPACE', default: '', description: 'Comma-separated namespaces to watch for HerdRules; all namespaces when empty' },
  'leader-elect': { type: 'boolean', env: 'HERDWATCH_LEADER_ELECT', default: true, description: 'Elect a leader through a Lease so only one replica reconciles' },
  'lease-namespace': { type: 'string', env: 'POD_NAMESPACE', default: 'default', description: 'Namespace of the leader Lease' },
  'lease-name': { type: 'string', env: 'HERDWATCH_LEASE_NAME', default: 'herdwatch-operator', description: 'Name of the leader Lease' },
  identity: { type: 'string', env: 'POD_NAME', description: 'This replica\'s identity in the Lease; hostname_pid when empty' },
  port: { type: 'number', env: 'HERDWATCH_OPERATOR_PORT', default: 8081, description: 'Port for /healthz, /readyz and /metrics' },
  host: { type: 'string', env: 'HERDWATCH_OPERATOR_HOST', default: '0.0.0.0', description: 'Address the health and metrics server binds to' },
  workers: { type: 'number', env: 'HERDWATCH_OPERATOR_WORKERS', default: 2, description: 'Rules reconciled in parallel' },
  // Kafka, to retire a deleted rule's trending snapshots (tombstones); without brokers, deleted rules stay on the trends topic.
  ...KAFKA_CONNECTION_OPTIONS,
  'trends-topic': KAFKA_TOPIC_OPTIONS['trends-topic'],
} as const satisfies OptionSpecs;

export default defineCommand({
  name: 'operator',
  summary: 'Reconcile HerdRules into detector Deployments and write their status',
  options: OPTIONS,
  async run(o, _positionals, ctx) {
    if (o.partitions !== undefined && (!Number.isInteger(o.partitions) || o.partitions < 1)) {
      throw new HwError('HW_ERR_USAGE', { field: '--partitions', expected: 'a whole number of at least 1' });
    }
    const file = o.config ? parseOperatorConfig(await readFile(o.config, 'utf8').catch((err: Error) => {
      throw new HwError('HW_ERR_CONFIG', { source: o.config, message: `cannot read operator config: ${err.message}` });
    }), o.config) : {};
    const render = renderOptionsFrom(file, {
      ...(o.image ? { image: o.image } : {}),
      ...(o.partitions ? { partitions: o.partitions } : {}),
      ...(o['default-topic'] ? { defaultTopic: o['default-topic'] } : {}),
    });
    const kc = new KubeConfig();
    kc.loadFromDefault();
    const kafka = o['kafka-brokers'] ? createKafka(kafkaSettingsFrom(o, ctx.env, { clientId: 'herdwatch-operator' })) : undefined;
    const op = await startOperator({
      ...(kafka ? { retireTrends: ({ rule, partitions }: RetiringRule) => retireTrends(kafka, o['trends-topic'], rule, partitions) } : {}),
      kubeConfig: kc,
      render,
      namespaces: o.namespace.split(',').map((n) => n.trim()).filter(Boolean),
      leaderElection: o['leader-elect'],
      leaseNamespace: o['lease-namespace'],
      leaseName: o['lease-name'],
      ...(o.identity ? { identity: o.identity } : {}),
      port: o.port,
      host: o.host,
      workers: o.workers,
      logger: ctx.logger,
    });
    ctx.logger.info({ port: op.port, namespaces: o.namespace || 'all' }, `health and metrics on :${op.port}; watching ${o.namespace || 'all namespaces'}`);
    const onAbort = () => void op.stop();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const code = await op.done;
    ctx.signal.removeEventListener('abort', onAbort);
    return code;
  },
});
