import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { HerdEvent } from '../events/schema.js';
import { decodeEvents } from './codec.js';

export interface RangeOptions {
  /** Record time (ms) to start from (the broker's time index); undefined = each partition's start. */
  readonly from: number | undefined;
  /** Only these partitions; all when absent. */
  readonly partitions?: readonly number[];
  /** Stop after this many events. */
  readonly max: number;
  /** Keep only the events this accepts (counted against `max` only when kept). */
  readonly keep?: (e: HerdEvent) => boolean;
  readonly timeoutMs?: number;
}

/**
 * Events of a topic from the offsets of a record timestamp up to the end offsets taken at the
 * start, read by a throwaway consumer group that never commits and is deleted afterwards, so no
 * detector's group is touched. What the backtest preview and the drill-down read on Kafka.
 */
export async function readTopicRange(kafka: Kafka, topic: string, o: RangeOptions): Promise<HerdEvent[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `herdwatch-read-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  try {
    const wanted = o.partitions ? new Set(o.partitions) : undefined;
    const offsets = (await admin.fetchTopicOffsets(topic)).filter((p) => !wanted || wanted.has(p.partition));
    const ends = new Map(offsets.map((p) => [p.partition, Number(p.high)]));
    const starts = o.from === undefined
      ? new Map(offsets.map((p) => [p.partition, Number(p.low)]))
      : new Map((await admin.fetchTopicOffsetsByTimestamp(topic, o.from)).filter((p) => ends.has(p.partition)).map((p) => [p.partition, Number(p.offset)]));
    const pending = new Set([...ends].filter(([p, end]) => (starts.get(p) ?? end) < end).map(([p]) => p));
    const out: HerdEvent[] = [];
    if (pending.size === 0) return out;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const scratch: HerdEvent[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (!pending.has(batch.partition)) return;
        const end = ends.get(batch.partition) ?? 0;
        for (const m of batch.messages) {
          if (Number(m.offset) >= end || out.length >= o.max) break;
          scratch.length = 0;
          decodeEvents(m.value, scratch);
          for (const e of scratch) if (!o.keep || o.keep(e)) out.push(e);
        }
        if (Number(batch.lastOffset()) >= end - 1) pending.delete(batch.partition);
        if (pending.size === 0 || out.length >= o.max) finish();
      },
    });
    for (const [partition, offset] of starts) if (pending.has(partition)) consumer.seek({ topic, partition, offset: String(offset) });
    // The group is assigned every partition; those outside the range are paused, so only the wanted ones are fetched.
    const idle = (await admin.fetchTopicOffsets(topic)).map((p) => p.partition).filter((p) => !pending.has(p));
    if (idle.length > 0) consumer.pause([{ topic, partitions: idle }]);
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, o.timeoutMs ?? 60_000).unref());
    await Promise.race([done, timeout]);
    return out.slice(0, o.max);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
