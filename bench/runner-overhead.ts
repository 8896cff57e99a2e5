/**
 * What the in-process runner costs on top of the engines it drives: the same simulated
 * traffic through (a) one raw engine per example rule, (b) createDetectorRunner (dedup,
 * metrics, trending snapshots, query store), (c) the dev pipeline's in-memory bus in front
 * of the runner. Ratios against (a) measured in the same run; best of 3.
 *   tsx bench/runner-overhead.ts [--write]      (`make bench-app`)
 */
import { fileURLToPath } from 'node:url';
import { createDetectorRunner } from '../src/detector/runner.js';
import { MemoryQueryStore } from '../src/store/memory.js';
import { createRuleEngine } from '../src/engine/index.js';
import type { HerdEvent } from '../src/events/schema.js';
import { MemoryBus } from '../src/bus/memory.js';
import { createDetectorMetrics } from '../src/metrics/detector.js';
import { createRegistry } from '../src/metrics/registry.js';
import { loadRuleFiles } from '../src/rules/index.js';
import { createSimulator } from '../src/sim/index.js';
import { writeSection } from './quality/section.js';

const BATCH = 1_000;
const RULES = fileURLToPath(new URL('../k8s/examples', import.meta.url));
const rules = (await loadRuleFiles(RULES)).map((l) => l.compiled);
const start = Date.UTC(2026, 0, 5);
const sim = createSimulator({ seed: 11, eventsPerSecond: 200, start, seasonality: false });
const events = sim.eventsUntil(start + 3_600_000);
const end = events[events.length - 1]!.ts;

function batches(): HerdEvent[][] {
  const out: HerdEvent[][] = [];
  for (let i = 0; i < events.length; i += BATCH) out.push(events.slice(i, i + BATCH));
  return out;
}
const input = batches();

async function rawEngines(): Promise<number> {
  const engines = rules.map((r) => createRuleEngine(r));
  let n = 0;
  for (const b of input) for (const e of engines) n += e.ingest(b).length;
  for (const e of engines) n += e.advanceTo(end + 3_600_000).length;
  return n;
}

async function runner(): Promise<number> {
  const r = createDetectorRunner({ rules, sink: new MemoryQueryStore(), metrics: createDetectorMetrics(createRegistry()) });
  let n = 0;
  for (const b of input) n += r.ingest(b).length;
  n += r.flush(end).length;
  await r.settled();
  return n;
}

async function busAndRunner(): Promise<number> {
  const bus = new MemoryBus({ partitions: 3, retention: 10_000 });
  const r = createDetectorRunner({ rules, sink: new MemoryQueryStore(), metrics: createDetectorMetrics(createRegistry()) });
  let n = 0;
  bus.subscribe<HerdEvent>(bus.topics.events, (records) => {
    n += r.ingest(records.map((x) => x.value)).length;
  });
  const sink = bus.eventSink();
  for (const b of input) await sink.send(b);
  await bus.drain();
  n += r.flush(end).length;
  await r.settled();
  return n;
}

const cases: [string, () => Promise<number>][] = [
  ['raw engines (baseline)', rawEngines],
  ['createDetectorRunner', runner],
  ['in-memory bus + runner (dev path)', busAndRunner],
];
const results: { name: string; rate: number; transitions: number }[] = [];
for (const [name, fn] of cases) {
  let best = 0;
  let transitions = 0;
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    transitions = await fn();
    best = Math.max(best, events.length / ((performance.now() - t) / 1000));
  }
  results.push({ name, rate: best, transitions });
}

const base = results[0]!.rate;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const table = [
  '| path | events/s | vs raw engines | transitions |',
  '|---|---:|---:|---:|',
  ...results.map((r) => `| ${r.name} | ${fmt(r.rate)} | ${(r.rate / base).toFixed(2)}× | ${r.transitions} |`),
].join('\n');
const body = `${fmt(events.length)} simulated events (1 h at 200 events/s, seed 11), the ${rules.length} rules of k8s/examples, batches of ${fmt(BATCH)}, one core, best of 3.
The runner adds dedup by (id, state), per-rule metrics, trending snapshots and the query store;
the bus adds keyed partitioning and asynchronous delivery. Reproduce: \`make bench-app\`.

${table}
`;
console.log(body);
if (process.argv.includes('--write')) await writeSection(fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url)), 'In-process runner overhead', body);
