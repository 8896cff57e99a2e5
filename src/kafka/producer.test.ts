import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { createKafka } from './client.js';
import { kafkaSettings } from './config.js';
import { idempotentProducer } from './producer.js';

describe('the idempotent producer', () => {
  /** What kafkajs logs while `work` runs, through the logger injected into the client. */
  function logOf(work: (kafka: ReturnType<typeof createKafka>) => void): string {
    const lines: string[] = [];
    const kafka = createKafka(kafkaSettings({ brokers: '127.0.0.1:9' }, {}), createLogger({ format: 'json' }, { write: (l: string) => lines.push(l) }));
    work(kafka);
    return lines.join('');
  }

  it('is configured as kafkajs requires: no warning about limited retries', () => {
    expect(logOf((kafka) => idempotentProducer(kafka))).not.toMatch(/Limiting retries/);
  });

  it('would be warned about by kafkajs, visibly, if its retries were limited (the warning is not silenced)', () => {
    expect(logOf((kafka) => kafka.producer({ idempotent: true, retry: { retries: 5 } }))).toMatch(/"level":"warn".*Limiting retries for the idempotent producer/);
  });
});
