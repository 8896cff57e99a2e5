import type { Kafka } from 'kafkajs';
import { keyReader } from '../engine/fields.js';
import type { CompiledRule } from '../engine/types.js';
import { keySeries, type KeySeries } from '../store/series.js';
import { keyPartitioner } from './partition-of.js';
import { readTopicRange } from './topic-range.js';

export interface KafkaSeriesOptions {
  /** Events of the key read at most per drill-down. */
  readonly maxEvents?: number;
  /** A drill-down's answer is reused this long (the app refetches every 5 s). */
  readonly cacheMs?: number;
  readonly timeoutMs?: number;
  readonly clock?: () => number;
}

/**
 * A drill-down's counts on Kafka (ADR 0011): read on demand from the events topic by record
 * time — the last `hours` plus one window — and only from the key's partition when the rule
 * keys by productId (the topic's record key), so a drill-down costs 1/partitions of that
 * traffic. Answers are cached briefly and concurrent requests for the same series share a read.
 */
export function kafkaSeriesSource(kafka: Kafka, topic: string, o: KafkaSeriesOptions = {}): (rule: CompiledRule, key: string, hours: number) => Promise<KeySeries> {
  const clock = o.clock ?? Date.now;
  const cacheMs = o.cacheMs ?? 4_000;
  const cache = new Map<string, { at: number; value: Promise<KeySeries> }>();
  let partitionOf: ((key: string) => number) | undefined;

  async function partitionsFor(rule: CompiledRule, key: string): Promise<number[] | undefined> {
    if (rule.key !== 'productId') return undefined;
    if (!partitionOf) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        partitionOf = keyPartitioner((await admin.fetchTopicOffsets(topic)).length);
      } finally {
        await admin.disconnect();
      }
    }
    return [partitionOf(key)];
  }

  async function read(rule: CompiledRule, key: string, hours: number): Promise<KeySeries> {
    const keyOf = keyReader(rule.key);
    const partitions = await partitionsFor(rule, key);
    const events = await readTopicRange(kafka, topic, {
      from: clock() - hours * 3_600_000 - rule.detector.windowMs,
      max: o.maxEvents ?? 1_000_000,
      keep: (e) => keyOf(e) === key,
      ...(partitions ? { partitions } : {}),
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    });
    return keySeries(events, rule, key, hours);
  }

  return (rule, key, hours) => {
    const id = `${rule.uid}\u0000${rule.detector.bucketMs}\u0000${key}\u0000${hours}`;
    const now = clock();
    for (const [k, v] of cache) if (now - v.at > cacheMs) cache.delete(k);
    const hit = cache.get(id);
    if (hit) return hit.value;
    const value = read(rule, key, hours);
    cache.set(id, { at: now, value });
    value.catch(() => cache.delete(id));
    return value;
  };
}
