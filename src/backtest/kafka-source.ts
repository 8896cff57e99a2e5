import type { Kafka } from 'kafkajs';
import type { BacktestSource } from '../api/routes/backtest.js';
import { readTopicRange } from '../kafka/topic-range.js';

/**
 * Backtest events from Kafka: every partition of the events topic from the offset of the
 * requested timestamp (the broker's index, by record time = receive time) up to the end
 * offsets taken at the start, at most `max` events (see readTopicRange). Selected by record
 * time (when the API received them), so a replay of old data counts as recent.
 */
export function kafkaBacktestSource(kafka: Kafka, topic: string, opts: { clock?: () => number; timeoutMs?: number } = {}): BacktestSource {
  const clock = opts.clock ?? Date.now;
  return {
    async latest() {
      return clock();
    },
    async events(from, max) {
      return readTopicRange(kafka, topic, { from, max, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
    },
  };
}
