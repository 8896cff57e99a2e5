import type { KafkaConfig as KafkaJsConfig, SASLOptions } from 'kafkajs';
import { HwError } from '../errors.js';
import { DEFAULT_TOPICS, type Topics } from '../bus/types.js';
import { resolveEnv, type OptionSpecs } from '../config/options.js';

/**
 * The Kafka options, declared once and spread into every command that talks to Kafka
 * (api, detector, replay, simulate, notifier). TLS and SASL are environment-only.
 */
export const KAFKA_CONNECTION_OPTIONS = {
  'kafka-brokers': { type: 'string', env: 'HERDWATCH_KAFKA_BROKERS', description: 'Kafka bootstrap servers, host:port,...' },
  'kafka-connect-timeout': {
    type: 'number', env: 'HERDWATCH_KAFKA_CONNECT_TIMEOUT_MS', default: 1000, integer: true, min: 1,
    description: 'Milliseconds to connect to a broker; short, so an unreachable broker turns into a 503 fast',
  },
  'kafka-request-timeout': { type: 'number', env: 'HERDWATCH_KAFKA_REQUEST_TIMEOUT_MS', default: 10_000, integer: true, min: 1, description: 'Milliseconds a Kafka request may take' },
  'kafka-client-id': { type: 'string', env: 'HERDWATCH_KAFKA_CLIENT_ID', envOnly: true, description: 'Kafka client id (default herdwatch; the detector uses herdwatch-detector-<rule>)' },
  'kafka-ssl': { type: 'boolean', env: 'HERDWATCH_KAFKA_SSL', envOnly: true, default: false, description: 'Connect with TLS (on by itself with SASL)' },
  'kafka-sasl-mechanism': { type: 'string', env: 'HERDWATCH_KAFKA_SASL_MECHANISM', envOnly: true, description: 'SASL mechanism: plain, scram-sha-256 or scram-sha-512' },
  'kafka-sasl-username': { type: 'string', env: 'HERDWATCH_KAFKA_SASL_USERNAME', envOnly: true, description: 'SASL user name' },
  'kafka-sasl-password': { type: 'string', env: 'HERDWATCH_KAFKA_SASL_PASSWORD', envOnly: true, secret: true, description: 'SASL password' },
  'kafka-log': { type: 'string', env: 'HERDWATCH_KAFKA_LOG', envOnly: true, default: 'warn', choices: ['warn', 'info', 'none'], description: 'Lowest level of the Kafka client\'s own log lines' },
} as const satisfies OptionSpecs;

export const KAFKA_TOPIC_OPTIONS = {
  'events-topic': { type: 'string', env: 'HERDWATCH_EVENTS_TOPIC', default: DEFAULT_TOPICS.events, description: 'Topic of the shop events' },
  'alerts-topic': { type: 'string', env: 'HERDWATCH_ALERTS_TOPIC', default: DEFAULT_TOPICS.alerts, description: 'Topic of alert transitions' },
  'trends-topic': { type: 'string', env: 'HERDWATCH_TRENDS_TOPIC', default: DEFAULT_TOPICS.trends, description: 'Compacted topic of trending snapshots' },
} as const satisfies OptionSpecs;

export const KAFKA_OPTIONS = { ...KAFKA_CONNECTION_OPTIONS, ...KAFKA_TOPIC_OPTIONS } as const satisfies OptionSpecs;

/**
 * How to reach Kafka. Brokers and the client id come from flags or HERDWATCH_KAFKA_*;
 * TLS and SASL only from the environment, because credentials never belong on a command
 * line (they show in `ps` and in pod specs).
 */
export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly ssl: boolean;
  readonly sasl?: SASLOptions;
  /** Connect timeout per broker, ms. Short, so an unreachable broker turns into a 503 fast. */
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly topics: Topics;
  /** Lowest level of kafkajs's own log lines. */
  readonly logLevel?: 'warn' | 'info' | 'none';
}

type Env = Readonly<Record<string, string | undefined>>;

export function parseBrokers(value: string | undefined, field = 'HERDWATCH_KAFKA_BROKERS'): string[] {
  const brokers = (value ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new HwError('HW_ERR_CONFIG', { field, expected: 'a comma-separated list of host:port' });
  for (const b of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(b)) throw new HwError('HW_ERR_CONFIG', { field, expected: 'host:port', message: `"${b}" is not host:port` });
  }
  return brokers;
}

type Connection = ReturnType<typeof resolveEnv<typeof KAFKA_CONNECTION_OPTIONS>>;

function sasl(v: Connection): SASLOptions | undefined {
  const mechanism = v['kafka-sasl-mechanism']?.toLowerCase();
  if (!mechanism) return undefined;
  const username = v['kafka-sasl-username'] ?? '';
  const password = v['kafka-sasl-password'] ?? '';
  if (mechanism === 'plain' || mechanism === 'scram-sha-256' || mechanism === 'scram-sha-512') {
    if (!username || !password) {
      throw new HwError('HW_ERR_CONFIG', { field: 'HERDWATCH_KAFKA_SASL_USERNAME', expected: 'a username and HERDWATCH_KAFKA_SASL_PASSWORD' });
    }
    return { mechanism, username, password };
  }
  throw new HwError('HW_ERR_CONFIG', { field: 'HERDWATCH_KAFKA_SASL_MECHANISM', expected: 'plain, scram-sha-256 or scram-sha-512' });
}

/**
 * Settings from the command's flags (`opts`, already parsed) and the environment, read
 * through KAFKA_CONNECTION_OPTIONS so a bad value is a coded error, never a NaN timeout.
 */
export function kafkaSettings(
  opts: { brokers?: string; clientId?: string; topics?: Partial<Topics>; connectTimeoutMs?: number; requestTimeoutMs?: number } = {},
  env: Env = process.env,
): KafkaSettings {
  const v = resolveEnv(KAFKA_CONNECTION_OPTIONS, env);
  const s = sasl(v);
  return {
    brokers: parseBrokers(opts.brokers ?? v['kafka-brokers'] ?? env.KAFKA_BROKERS),
    clientId: opts.clientId ?? v['kafka-client-id'] ?? 'herdwatch',
    ssl: v['kafka-ssl'] || s !== undefined,
    ...(s ? { sasl: s } : {}),
    connectionTimeoutMs: opts.connectTimeoutMs ?? v['kafka-connect-timeout'],
    requestTimeoutMs: opts.requestTimeoutMs ?? v['kafka-request-timeout'],
    topics: { ...DEFAULT_TOPICS, ...opts.topics },
    logLevel: v['kafka-log'] as 'warn' | 'info' | 'none',
  };
}

export function toKafkaJsConfig(s: KafkaSettings): KafkaJsConfig {
  return {
    brokers: [...s.brokers],
    clientId: s.clientId,
    ssl: s.ssl,
    ...(s.sasl ? { sasl: s.sasl } : {}),
    connectionTimeout: s.connectionTimeoutMs,
    requestTimeout: s.requestTimeoutMs,
    // Reconnects are cheap and short here; the callers bound how long they wait.
    retry: { initialRetryTime: 100, retries: 5, maxRetryTime: 2000 },
  };
}

/** Settings from a command's parsed KAFKA_OPTIONS values (flags already applied over the environment). */
export function kafkaSettingsFrom(
  o: { 'kafka-brokers'?: string | undefined; 'kafka-connect-timeout'?: number; 'kafka-request-timeout'?: number },
  env: Env,
  extra: { clientId?: string; topics?: Partial<Topics> } = {},
): KafkaSettings {
  return kafkaSettings({
    ...extra,
    ...(o['kafka-brokers'] ? { brokers: o['kafka-brokers'] } : {}),
    ...(o['kafka-connect-timeout'] !== undefined ? { connectTimeoutMs: o['kafka-connect-timeout'] } : {}),
    ...(o['kafka-request-timeout'] !== undefined ? { requestTimeoutMs: o['kafka-request-timeout'] } : {}),
  }, env);
}
