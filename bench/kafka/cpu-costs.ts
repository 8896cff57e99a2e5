import { PartitionEngines } from '../../src/detector/kafka/engines.js';
import { createRuleEngine } from '../../src/engine/index.js';
import type { CompiledRule } from '../../src/engine/types.js';
import type { HerdEvent } from '../../src/events/schema.js';
import { decodeEvents } from '../../src/kafka/codec.js';
import { keyPartitioner } from '../../src/kafka/partition-of.js';
import { recordsOf, type ValueFormat } from './formats.js';

export interface CpuCosts {
  /** CPU µs per event, best of three rounds: decoding the values, the engine alone on decoded events, the detector's whole batch path. */
  readonly decode: number;
  readonly engine: number;
  readonly detector: number;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * What the detector costs per event without Kafka, in CPU time (which a shared machine
 * disturbs far less than wall time): the same records, per partition, in batches of
 * `batchRecords`, through decodeEvents alone, the engine alone, and PartitionEngines.evaluate
 * (decode, engine, trends: what the runtime calls per fetched batch).
 */
export function cpuCosts(events: readonly HerdEvent[], rule: CompiledRule, format: ValueFormat, batchRecords: number): CpuCosts {
  const partitionOf = keyPartitioner(6);
  const byPartition = new Map<number, Buffer[]>();
  for (const r of recordsOf(events, format, 6)) {
    const p = partitionOf(String(r.key));
    let list = byPartition.get(p);
    if (!list) byPartition.set(p, (list = []));
    list.push(r.value as Buffer);
  }
  const batches: { partition: number; values: Buffer[]; offsets: number[] }[] = [];
  for (const [partition, values] of byPartition) {
    for (let i = 0; i < values.length; i += batchRecords) {
      const slice = values.slice(i, i + batchRecords);
      batches.push({ partition, values: slice, offsets: slice.map((_, j) => i + j) });
    }
  }
  const decoded = batches.map((b) => {
    const out: HerdEvent[] = [];
    for (const v of b.values) decodeEvents(v, out);
    return out;
  });
  const now = Date.now();
  const runs = {
    decode: () => {
      const out: HerdEvent[] = [];
      for (const b of batches) {
        for (const v of b.values) decodeEvents(v, out);
        out.length = 0;
      }
    },
    engine: () => {
      const engines = new Map<number, ReturnType<typeof createRuleEngine>>();
      batches.forEach((b, i) => {
        let e = engines.get(b.partition);
        if (!e) engines.set(b.partition, (e = createRuleEngine(rule)));
        e.ingest(decoded[i]!);
      });
    },
    detector: () => {
      const engines = new PartitionEngines(rule);
      for (const p of byPartition.keys()) engines.open(p, 0, 0, now);
      for (const b of batches) {
        engines.evaluate({ partition: b.partition, values: b.values, offsets: b.offsets, timestamps: b.values.map(() => now), last: b.offsets[b.offsets.length - 1]!, now, firstKey: null });
      }
    },
  };
  const best = { decode: Infinity, engine: Infinity, detector: Infinity };
  for (let round = 0; round < 3; round++) {
    for (const k of ['decode', 'engine', 'detector'] as const) {
      const t = cpuMs();
      runs[k]();
      best[k] = Math.min(best[k], ((cpuMs() - t) * 1000) / events.length);
    }
  }
  return best;
}
