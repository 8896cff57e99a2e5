import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKafka } from './client.js';
import { kafkaSettings } from './config.js';
import { idempotentProducer } from './producer.js';

describe('the idempotent producer', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function stderrOf(work: () => void): string {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    work();
    vi.restoreAllMocks();
    return lines.join('');
  }

  it('is configured as kafkajs requires: no warning about limited retries', () => {
    const kafka = createKafka(kafkaSettings({ brokers: '127.0.0.1:9' }, {}));
    expect(stderrOf(() => idempotentProducer(kafka))).not.toMatch(/Limiting retries/);
  });

  it('would be warned about by kafkajs, visibly, if its retries were limited (the warning is not silenced)', () => {
    const kafka = createKafka(kafkaSettings({ brokers: '127.0.0.1:9' }, {}));
    expect(stderrOf(() => kafka.producer({ idempotent: true, retry: { retries: 5 } }))).toMatch(/Limiting retries for the idempotent producer/);
  });
});
