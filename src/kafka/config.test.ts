import { describe, expect, it } from 'vitest';
import { kafkaSettings, parseBrokers } from './config.js';
import { topicConfigs } from './topics.js';
import { DEFAULT_TOPICS } from '../bus/types.js';

describe('Kafka settings', () => {
  it('read brokers from the flag first, then the environment', () => {
    expect(kafkaSettings({ brokers: 'a:1,b:2' }, { HERDWATCH_KAFKA_BROKERS: 'c:3' }).brokers).toEqual(['a:1', 'b:2']);
    expect(kafkaSettings({}, { HERDWATCH_KAFKA_BROKERS: ' c:3 , d:4 ' }).brokers).toEqual(['c:3', 'd:4']);
  });

  it('reject a missing or malformed broker list with the field and what was expected', () => {
    expect(() => parseBrokers('')).toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG', field: 'HERDWATCH_KAFKA_BROKERS' }));
    expect(() => parseBrokers('localhost')).toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG', expected: 'host:port' }));
  });

  it('take SASL credentials only from the environment and turn TLS on with them', () => {
    const s = kafkaSettings({ brokers: 'k:9093' }, { HERDWATCH_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', HERDWATCH_KAFKA_SASL_USERNAME: 'u', HERDWATCH_KAFKA_SASL_PASSWORD: 'p' });
    expect(s.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
    expect(s.ssl).toBe(true);
    expect(() => kafkaSettings({ brokers: 'k:1' }, { HERDWATCH_KAFKA_SASL_MECHANISM: 'plain' })).toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG' }));
    expect(() => kafkaSettings({ brokers: 'k:1' }, { HERDWATCH_KAFKA_SASL_MECHANISM: 'kerberos' })).toThrow(expect.objectContaining({ field: 'HERDWATCH_KAFKA_SASL_MECHANISM' }));
  });
});

describe('Kafka timeouts from the environment', () => {
  // An empty variable counts as unset (as for every option), so it is not in this list.
  it.each(['abc', '-5', '0', 'Infinity', '1e400', '10s', '2.5'])('refuse %j with HW_ERR_CONFIG instead of a NaN or unbounded timeout', (bad) => {
    for (const field of ['HERDWATCH_KAFKA_CONNECT_TIMEOUT_MS', 'HERDWATCH_KAFKA_REQUEST_TIMEOUT_MS']) {
      expect(() => kafkaSettings({ brokers: 'k:1' }, { [field]: bad })).toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG', field }));
    }
  });

  it('take whole milliseconds, with the defaults when unset', () => {
    expect(kafkaSettings({ brokers: 'k:1' }, {})).toMatchObject({ connectionTimeoutMs: 1000, requestTimeoutMs: 10_000 });
    expect(kafkaSettings({ brokers: 'k:1' }, { HERDWATCH_KAFKA_CONNECT_TIMEOUT_MS: '2500', HERDWATCH_KAFKA_REQUEST_TIMEOUT_MS: ' 30000 ' }))
      .toMatchObject({ connectionTimeoutMs: 2500, requestTimeoutMs: 30_000 });
  });
});

describe('topic layout', () => {
  it('compacts the trends topic and adds the dead-letter topic only when asked', () => {
    const plain = topicConfigs(DEFAULT_TOPICS);
    expect(plain.map((t) => t.topic)).toEqual(['herdwatch.events', 'herdwatch.alerts', 'herdwatch.trends']);
    expect(plain[0]!.numPartitions).toBe(6);
    expect(plain[2]!.configEntries).toContainEqual({ name: 'cleanup.policy', value: 'compact' });
    expect(topicConfigs(DEFAULT_TOPICS, { eventPartitions: 3, alertPartitions: 1, replicationFactor: 3, deadLetter: 'dlq' }).map((t) => t.topic)).toContain('dlq');
  });
});

describe('Kafka TLS from the environment', () => {
  it('read TLS as a boolean and reject a word that is not one', () => {
    expect(kafkaSettings({ brokers: 'k:1' }, { HERDWATCH_KAFKA_SSL: 'yes' }).ssl).toBe(true);
    expect(() => kafkaSettings({ brokers: 'k:1' }, { HERDWATCH_KAFKA_SSL: 'maybe' })).toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG', field: 'HERDWATCH_KAFKA_SSL' }));
  });
});
