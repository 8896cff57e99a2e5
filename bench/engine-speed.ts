/**
 * Engine speed and memory: events/s on one core and bytes per tracked key, for the surge
 * engine and for a naive Map-of-timestamp-arrays prototype measured in the same run on the
 * same events. `make bench-engine` runs it and rewrites its section of docs/benchmarks.md.
 *
 *   node --expose-gc --max-old-space-size=12288 --import tsx bench/engine-speed.ts [--write] [--quick] [--naive-10m]
 */
import { cpus } from 'node:os';
import type { HerdEvent } from '../src/events/schema.js';
import { createRuleEngine } from '../src/engine/index.js';
import { compileRule } from '../src/rules/compile.js';
import type { HerdRuleSpec } from '../src/rules/schema.js';
import { NaiveSurge } from './engine/naive.js';
import { mulberry32, zipf } from './engine/zipf.js';
import { writeSection } from './quality/section.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const eventsArg = process.argv.find((a) => a.startsWith('--events='));
const events1M = eventsArg ? Number(eventsArg.slice('--events='.length)) : 20_000_000;
const CHUNK = 50_000;
const T0 = Date.UTC(2026, 0, 1);

const spec: HerdRuleSpec = {
  source: { eventTypes: ['view', 'add_to_cart', 'purchase'] },
  key: 'productId',
  weights: { view: 1, add_to_cart: 3, purchase: 5 },
  detector: { type: 'surge', window: '5m', bucket: '10s', allowedLateness: '30s', baselineHalfLife: '6h', minEvents: 20, minLift: 3, sensitivity: 4 },
  severity: 'warning',
  parallelism: 1,
  paused: false,
} as HerdRuleSpec;
const rule = compileRule({ uid: 'bench', namespace: 'bench', name: 'surge' }, spec);

interface Scenario {
  readonly name: string;
  readonly keys: number;
  readonly events: number;
  /** Events per second of event time. */
  readonly rate: number;
  /** Share of events that introduce a key never seen before (the rest are Zipf draws). */
  readonly fresh: number;
}

/** Chunks of shop events: Zipf(1) product popularity, funnel 96.7% views, 2.5% carts, 0.8% purchases. */
function* traffic(s: Scenario, seed: number): Generator<HerdEvent[]> {
  const rnd = mulberry32(seed);
  const draw = zipf(s.keys, 1, rnd);
  let next = 0;
  for (let i = 0; i < s.events;) {
    const n = Math.min(CHUNK, s.events - i);
    const chunk: HerdEvent[] = new Array(n);
    for (let j = 0; j < n; j++, i++) {
      // Fresh keys walk a permutation of the key space (× a number coprime to it), so they are
      // all distinct but not sequential.
      const rank = rnd() < s.fresh && next < s.keys ? (next++ * 7_654_321) % s.keys : draw();
      const u = rnd();
      chunk[j] = { id: `e${i}`, type: u < 0.967 ? 'view' : u < 0.992 ? 'add_to_cart' : 'purchase', ts: T0 + Math.floor((i * 1000) / s.rate), productId: `sku-${rank}` };
    }
    yield chunk;
  }
}

function heapBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc(); gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

interface Result { eventsPerSec: number; bytesPerKey: number; keys: number; reportedBytesPerKey?: number; alerts: number; error?: string }

function measure(s: Scenario, impl: 'engine' | 'naive'): Result {
  const before = heapBytes();
  let ns = 0n;
  let alerts = 0;
  let error: string | undefined;
  if (impl === 'engine') {
    const engine = createRuleEngine(rule);
    for (const chunk of traffic(s, 42)) {
      const t = process.hrtime.bigint();
      alerts += engine.ingest(chunk).filter((x) => x.state === 'firing').length;
      ns += process.hrtime.bigint() - t;
    }
    const after = heapBytes();
    const st = engine.stats();
    return { eventsPerSec: s.events / (Number(ns) / 1e9), bytesPerKey: (after - before) / st.keys, keys: st.keys, reportedBytesPerKey: st.stateBytes / st.keys, alerts };
  }
  const naive = new NaiveSurge(5 * 60_000, 3_600_000, 20, 3);
  let done = 0;
  try {
    for (const chunk of traffic(s, 42)) {
      const t = process.hrtime.bigint();
      naive.ingest(chunk);
      ns += process.hrtime.bigint() - t;
      done += chunk.length;
    }
  } catch (err) {
    error = `${(err as Error).name}: ${(err as Error).message} after ${done.toLocaleString('en')} events, ${naive.byKey.size.toLocaleString('en')} keys`;
  }
  const after = heapBytes();
  alerts = naive.alerts;
  return { eventsPerSec: done / (Number(ns) / 1e9), bytesPerKey: (after - before) / naive.byKey.size, keys: naive.byKey.size, alerts, ...(error ? { error } : {}) };
}

const fmtInt = (x: number) => Math.round(x).toLocaleString('en');
const fmt1 = (x: number) => x.toFixed(1);

function row(name: string, r: Result): string {
  return `| ${name} | ${fmtInt(r.keys)} | ${fmtInt(r.eventsPerSec)} | ${fmt1(r.bytesPerKey)} | ${r.reportedBytesPerKey === undefined ? '–' : fmt1(r.reportedBytesPerKey)} | ${fmtInt(r.alerts)} |`;
}

async function main(): Promise<void> {
  const oneM: Scenario = quick
    ? { name: '10k products', keys: 10_000, events: 400_000, rate: 200, fresh: 0 }
    : { name: '1M products', keys: 1_000_000, events: events1M, rate: 2_000, fresh: 0 };
  const tenM: Scenario = quick
    ? { name: '100k keys', keys: 100_000, events: 300_000, rate: 2_000, fresh: 0.5 }
    : { name: '10M keys', keys: 10_000_000, events: 21_000_000, rate: 20_000, fresh: 0.5 };

  console.log(`${oneM.name}: ${fmtInt(oneM.events)} events at ${fmtInt(oneM.rate)}/s of event time`);
  const naive = measure(oneM, 'naive');
  console.log('naive ', naive);
  const engine = measure(oneM, 'engine');
  console.log('engine', engine);
  if (args.has('--skip-10m')) return;
  console.log(`${tenM.name}: ${fmtInt(tenM.events)} events`);
  const engine10 = measure(tenM, 'engine');
  console.log('engine', engine10);
  const naive10 = args.has('--naive-10m') ? measure(tenM, 'naive') : undefined;
  if (naive10) console.log('naive ', naive10);

  const speedRatio = engine.eventsPerSec / naive.eventsPerSec;
  const memRatio = engine.bytesPerKey / naive.bytesPerKey;
  const body = [
    `Command: \`make bench-engine\` (runs \`node --expose-gc --max-old-space-size=12288 --import tsx bench/engine-speed.ts --write${args.has('--naive-10m') ? ' --naive-10m' : ''}\`).`,
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, one core (the engine is single-threaded; shared with other work while measured).`,
    '',
    `Rule: surge, window 5m, bucket 10s, lateness 30s, half-life 6h, weights view 1 / add_to_cart 3 / purchase 5. Traffic: Zipf(s = 1) product popularity, 96.7% views, 2.5% carts, 0.8% purchases, generated in chunks of ${fmtInt(CHUNK)} outside the timed region.`,
    `Baseline ("naive"): a \`Map\` from product to an array of its timestamps; per event push, trim to a 1 h horizon, binary-search the 5 m window, compare with the horizon's rate (bench/engine/naive.ts). Both run on identical events in the same process.`,
    'Bytes per key: growth of `heapUsed + arrayBuffers` (after `gc()`) over the run, divided by keys held; "reported" is the engine\'s own `stats().stateBytes` per key.',
    '',
    `### ${oneM.name}, ${fmtInt(oneM.events)} events (${fmt1(oneM.events / oneM.rate / 3600)} h of event time)`,
    '',
    '| implementation | keys | events/s | bytes/key (heap) | bytes/key (reported) | firing alerts |',
    '|---|---:|---:|---:|---:|---:|',
    row('naive Map of arrays', naive),
    row('HerdWatch engine', engine),
    '',
    `Engine vs naive: **${speedRatio.toFixed(2)}× the events/s** (target ≥ 3×), **${memRatio.toFixed(2)}× the bytes per key** (target ≤ 0.3×).`,
    '',
    `### ${tenM.name}, ${fmtInt(tenM.events)} events`,
    '',
    `Half the events introduce a new key, the rest are Zipf draws over ${fmtInt(tenM.keys)} keys; no key is idle long enough to be evicted, so all stay tracked.`,
    '',
    '| implementation | keys | events/s | bytes/key (heap) | bytes/key (reported) | firing alerts |',
    '|---|---:|---:|---:|---:|---:|',
    row('HerdWatch engine', engine10),
    ...(naive10 ? [naive10.error ? `| naive Map of arrays | failed: ${naive10.error} | | | | |` : row('naive Map of arrays', naive10)] : []),
    '',
  ].join('\n');
  console.log(body);
  if (args.has('--write')) await writeSection('docs/benchmarks.md', 'Engine speed and memory', body);
}

await main();
