import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { createKafka } from './client.js';
import { kafkaSettings } from './config.js';

const require = createRequire(import.meta.url);
type Queue = { scheduleCheckPendingRequests(): void; throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null };
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (opts: object) => Queue;

describe('kafkajs on Node 24', () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  afterEach(() => { process.off('warning', onWarning); });

  it('schedules its request-queue check without a TimeoutNegativeWarning', async () => {
    createKafka(kafkaSettings({ brokers: '127.0.0.1:9' }, {}));
    process.on('warning', onWarning);
    const noop = () => undefined;
    const queue = new RequestQueue({
      instrumentationEmitter: { emit: noop }, maxInFlightRequests: 1, requestTimeout: 1000, enforceRequestTimeout: false,
      clientId: 'x', broker: 'x', logger: { namespace: () => ({ debug: noop, warn: noop, error: noop, info: noop }) }, isConnected: () => true,
    });
    queue.scheduleCheckPendingRequests();
    await new Promise((r) => setTimeout(r, 20));
    if (queue.throttleCheckTimeoutId) clearTimeout(queue.throttleCheckTimeoutId);
    expect(warnings).not.toContain('TimeoutNegativeWarning');
  });
});
