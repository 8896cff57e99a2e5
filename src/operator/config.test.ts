import { describe, expect, it } from 'vitest';
import { parseOperatorConfig, renderOptionsFrom } from './config.js';

describe('operator config file', () => {
  it('reads the detector template the chart writes, flags winning over the file', () => {
    const file = parseOperatorConfig('image: registry.example/hw:1\npartitions: 12\ntopicPartitions: {shop.clicks: 3}\nenv:\n  - {name: HERDWATCH_KAFKA_BROKERS, value: "k:9092"}\n');
    const opts = renderOptionsFrom(file, { image: 'override:2', partitions: undefined });
    expect(opts).toMatchObject({ image: 'override:2', partitions: 12, topicPartitions: { 'shop.clicks': 3 }, defaultTopic: 'herdwatch.events' });
    expect(opts.env).toEqual([{ name: 'HERDWATCH_KAFKA_BROKERS', value: 'k:9092' }]);
  });

  it('names the key it does not know or cannot use', () => {
    expect(() => parseOperatorConfig('imag: x\n', 'config.yaml')).toThrow(/HW_ERR_CONFIG: config.yaml/);
    expect(() => parseOperatorConfig('partitions: many\n')).toThrow(/\/partitions/);
    expect(() => parseOperatorConfig('image: [\n')).toThrow(/not valid YAML/);
  });
});
