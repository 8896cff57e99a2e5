import type { KafkaConfig as KafkaJsConfig, SASLOptions } from 'kafkajs';
import { HwError } from '../errors.js';
import { DEFAULT_TOPICS, type Topics } from '../bus/types.js';

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

function sasl(env: Env): SASLOptions | undefined {
  const mechanism = env.HERDWATCH_KAFKA_SASL_MECHANISM?.toLowerCase();
  if (!mechanism) return undefined;
  const username = env.HERDWATCH_KAFKA_SASL_USERNAME ?? '';
  const password = env.HERDWATCH_KAFKA_SASL_PASSWORD ?? '';
  if (mechanism === 'plain' || mechanism === 'scram-sha-256' || mechanism === 'scram-sha-512') {
    if (!username || !password) {
      throw new HwError('HW_ERR_CONFIG', { field: 'HERDWATCH_KAFKA_SASL_USERNAME', expected: 'a username and HERDWATCH_KAFKA_SASL_PASSWORD' });
    }
    return { mechanism, username, password };
  }
  throw new HwError('HW_ERR_CONFIG', { field: 'HERDWATCH_KAFKA_SASL_MECHANISM', expected: 'plain, scram-sha-256 or scram-sha-512' });
}

/** A timeout from the environment: whole positive milliseconds, never NaN (kafkajs would then wait forever or not at all). */
function millis(env: Env, field: string, fallback: number): number {
  const raw = env[field];
  if (raw === undefined) return fallback;
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isSafeInteger(n) || n <= 0) {
    throw new HwError('HW_ERR_CONFIG', { field, expected: 'a whole number of milliseconds above 0', message: `"${raw}" is not a timeout` });
  }
  return n;
}

export function kafkaSettings(opts: { brokers?: string; clientId?: string; topics?: Partial<Topics> } = {}, env: Env = process.env): KafkaSettings {
  const s = sasl(env);
  const ssl = /^(1|true|yes|on)$/i.test(env.HERDWATCH_KAFKA_SSL ?? '') || s !== undefined;
  return {
    brokers: parseBrokers(opts.brokers ?? env.HERDWATCH_KAFKA_BROKERS ?? env.KAFKA_BROKERS),
    clientId: opts.clientId ?? env.HERDWATCH_KAFKA_CLIENT_ID ?? 'herdwatch',
    ssl,
    ...(s ? { sasl: s } : {}),
    connectionTimeoutMs: millis(env, 'HERDWATCH_KAFKA_CONNECT_TIMEOUT_MS', 1000),
    requestTimeoutMs: millis(env, 'HERDWATCH_KAFKA_REQUEST_TIMEOUT_MS', 10_000),
    topics: { ...DEFAULT_TOPICS, ...opts.topics },
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
