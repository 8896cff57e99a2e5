import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { HerdEvent } from '../events/schema.js';
import { decodeEvents } from '../kafka/codec.js';
import type { BacktestSource } from '../api/routes/backtest.js';

/**
 * Backtest events from Kafka: every partition of the events topic from the offset of the
 * requested timestamp (the broker's index, by record time = receive time) up to the end
 * offsets taken at the start, at most `max` events. A throwaway consumer group that never
 * commits, deleted afterwards, so no detector's group is touched.
 */
export function kafkaBacktestSource(kafka: Kafka, topic: string, opts: { clock?: () => number; timeoutMs?: number } = {}): BacktestSource {
  const clock = opts.clock ?? Date.now;
  return {
    async latest() {
      return clock();
    },
    async events(from, max) {
      const admin = kafka.admin();
      await admin.connect();
      const groupId = `herdwatch-backtest-${randomUUID()}`;
      const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
      try {
        const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
        const starts = from === undefined
          ? new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.low)]))
          : new Map((await admin.fetchTopicOffsetsByTimestamp(topic, from)).map((o) => [o.partition, Number(o.offset)]));
        const pending = new Set([...ends].filter(([p, end]) => (starts.get(p) ?? end) < end).map(([p]) => p));
        const out: HerdEvent[] = [];
        if (pending.size === 0) return out;
        let finish!: () => void;
        const done = new Promise<void>((resolve) => (finish = resolve));
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const end = ends.get(batch.partition) ?? 0;
            for (const m of batch.messages) {
              if (Number(m.offset) >= end || out.length >= max) break;
              decodeEvents(m.value, out);
            }
            if (Number(batch.lastOffset()) >= end - 1) pending.delete(batch.partition);
            if (pending.size === 0 || out.length >= max) finish();
          },
        });
        for (const [partition, offset] of starts) if (pending.has(partition)) consumer.seek({ topic, partition, offset: String(offset) });
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, opts.timeoutMs ?? 60_000).unref());
        await Promise.race([done, timeout]);
        // Selected by record time (when the API received them), so a replay of old data counts as recent.
        return out.slice(0, max);
      } finally {
        await consumer.disconnect().catch(() => undefined);
        await admin.deleteGroups([groupId]).catch(() => undefined);
        await admin.disconnect();
      }
    },
  };
}
