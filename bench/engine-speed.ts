/**
 * Engine speed and memory: events/s on one core and bytes per tracked key, for the surge
 * engine and for a naive Map-of-timestamp-arrays prototype measured in the same run on the
 * same events. `make bench-engine` runs it and rewrites its section of docs/benchmarks.md.
 *
 *   node --expose-gc --max-old-space-size=12288 --import tsx bench/engine-speed.ts [--write] [--quick] [--naive-10m]
 */
import { cpus, loadavg } from 'node:os';
import type { HerdEvent } from '../src/events/schema.js';
import { createRuleEngine } from '../src/engine/index.js';
import { compileRule } from '../src/rules/compile.js';
import type { HerdRuleSpec } from '../src/rules/schema.js';
import { engineStride, stateParts } from '../src/engine/engine.js';
import { ACTOR_WORDS } from '../src/engine/key-actors.js';
import { SURGE_RECORD_WORDS } from '../src/engine/surge.js';
import { NaiveSurge } from './engine/naive.js';
import { mulberry32, zipf } from './engine/zipf.js';
import { writeSection } from './quality/section.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const eventsArg = process.argv.find((a) => a.startsWith('--events='));
// 10M events = 1.4 h of event time: long enough for the 1 h horizon to fill and the
// first prototype's shift() cost to show, short enough that it finishes in minutes.
const events1M = eventsArg ? Number(eventsArg.slice('--events='.length)) : 10_000_000;
const CHUNK = 50_000;
const repeatArg = process.argv.find((a) => a.startsWith('--repeat='));
const REPEAT = repeatArg ? Number(repeatArg.slice('--repeat='.length)) : quick ? 1 : 2;
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
  /** Events carry a userId drawn from this many shoppers; 0: no userId (every event is its own actor, the worst case for actor sets). */
  readonly users: number;
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
      const e: HerdEvent = { id: `e${i}`, type: u < 0.967 ? 'view' : u < 0.992 ? 'add_to_cart' : 'purchase', ts: T0 + Math.floor((i * 1000) / s.rate), productId: `sku-${rank}` };
      if (s.users > 0) e.userId = `u${Math.floor(rnd() * s.users)}`;
      chunk[j] = e;
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

interface Result {
  eventsPerSec: number; bytesPerKey: number; keys: number; reportedBytesPerKey?: number; alerts: number; error?: string;
  /** Engine only: stats().stateBytes by part, and the words per key record. */
  parts?: Record<string, number>; stride?: number;
}

/** CPU time (user + system, all threads: GC helpers count) of fn, in seconds. */
function cpuSeconds(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1e6;
}

type Impl = 'engine' | 'naive' | 'naive-tuned';

const fastRule = compileRule({ uid: 'bench-fast', namespace: 'bench', name: 'surge' }, { ...spec, detector: { ...spec.detector, minActors: 1 } });
const seasonalRule = compileRule({ uid: 'bench-daily', namespace: 'bench', name: 'surge' }, { ...spec, detector: { ...spec.detector, seasonality: 'daily' } });

function measure(s: Scenario, impl: Impl, r = rule): Result {
  const before = heapBytes();
  let cpu = 0;
  let alerts = 0;
  if (impl === 'engine') {
    const engine = createRuleEngine(r);
    // The loops run in functions of their own: a loop variable of measure() itself would keep the
    // last chunk of events (~10 MB) alive while the heap is measured, for every implementation.
    const feed = (): void => {
      for (const chunk of traffic(s, 42)) {
        cpu += cpuSeconds(() => { alerts += engine.ingest(chunk).filter((x) => x.state === 'firing').length; });
      }
    };
    feed();
    const after = heapBytes();
    const st = engine.stats();
    const parts = stateParts(engine);
    return { eventsPerSec: s.events / cpu, bytesPerKey: (after - before) / st.keys, keys: st.keys, reportedBytesPerKey: st.stateBytes / st.keys, alerts, parts, stride: engineStride(engine) };
  }
  const naive = new NaiveSurge(5 * 60_000, 3_600_000, 20, 3, impl === 'naive-tuned');
  let done = 0;
  let error: string | undefined;
  const feed = (): void => {
    for (const chunk of traffic(s, 42)) {
      cpu += cpuSeconds(() => naive.ingest(chunk));
      done += chunk.length;
    }
  };
  try {
    feed();
  } catch (err) {
    error = `${(err as Error).name}: ${(err as Error).message} after ${done.toLocaleString('en')} events, ${naive.byKey.size.toLocaleString('en')} keys`;
  }
  const after = heapBytes();
  return { eventsPerSec: done / cpu, bytesPerKey: (after - before) / naive.byKey.size, keys: naive.byKey.size, alerts: naive.alerts, ...(error ? { error } : {}) };
}

const fmtInt = (x: number) => Math.round(x).toLocaleString('en');
const fmt1 = (x: number) => x.toFixed(1);

function row(name: string, r: Result): string {
  return `| ${name} | ${fmtInt(r.keys)} | ${fmtInt(r.eventsPerSec)} | ${fmt1(r.bytesPerKey)} | ${r.reportedBytesPerKey === undefined ? '–' : fmt1(r.reportedBytesPerKey)} | ${fmtInt(r.alerts)} |`;
}

/** stats().stateBytes parts, per key, in the order the account lists them; the small ones as one. */
const PARTS: readonly (readonly [string, string])[] = [
  ['keyTable', 'key table (4-byte cells, at most 70% full)'],
  ['keyRecords', 'key records (growth slack included)'],
  ['actorSets', 'actor sets (keys with two or more people in the window)'],
  ['windowRings', 'window rings (keys with events in three or more recent buckets)'],
  ['recentIds', 'recent event ids (the duplicate check, per open bucket)'],
  ['other', 'the rest (long keys, alerts and trending, held events)'],
];

function perKey(r: Result): Record<string, number> {
  const out: Record<string, number> = { other: 0 };
  for (const [k, v] of Object.entries(r.parts ?? {})) {
    if (PARTS.some(([name]) => name === k)) out[k] = v / r.keys; else out.other! += v / r.keys;
  }
  return out;
}

/** "Where the bytes per key go": the parts of the default engine and of minActors 1, and what each feature costs. */
function bytesAccount(engine: Result, fast: Result, naive: Result): string[] {
  const d = perKey(engine), f = perKey(fast);
  const words = SURGE_RECORD_WORDS.map(([what, n]) => `${what} ${n * 4}`).join(', ');
  const record = (engine.stride ?? 0) * 4;
  const base = (fast.stride ?? 0) * 4;
  return [
    '',
    'Where the bytes per key go (stats().stateBytes by part, per key held; "heap" above also counts V8\'s own objects):',
    '',
    '| part | bytes/key, default | bytes/key, minActors 1 |',
    '|---|---:|---:|',
    ...PARTS.map(([k, what]) => `| ${what} | ${fmt1(d[k] ?? 0)} | ${fmt1(f[k] ?? 0)} |`),
    `| total (reported) | ${fmt1(engine.reportedBytesPerKey ?? 0)} | ${fmt1(fast.reportedBytesPerKey ?? 0)} |`,
    '',
    `A key's record is ${record} bytes with the default rule: ${words}, and ${ACTOR_WORDS * 4} for its one recent actor (only when minActors > 1). ` +
      `Records grow by 1/8 at a time, so up to 12.5% of them is slack; the table doubles, so its cells cost 5.7 to 11.4 bytes per key.`,
    `Of the new state, distinct actors (minActors > 1; the default is 3, minActors 1 turns them off) cost ${ACTOR_WORDS * 4} bytes in each record plus the actor sets ` +
      `(${fmt1(d.actorSets ?? 0)} bytes per key here); the seasonal profile (seasonality daily/weekly, off by default) is one table per rule, nothing per key. ` +
      'The CUSUM run and the minute-group dispersion (16 bytes each) are in every record: they are how the rule decides, not options.',
    `The 0.3× memory target is missed with or without the new state: with actor tracking off the engine holds ${fmt1(fast.bytesPerKey)} bytes per key ` +
      `(${(fast.bytesPerKey / naive.bytesPerKey).toFixed(2)}× the naive's), and its record alone (${base} bytes) is ${(base / naive.bytesPerKey).toFixed(2)}× the naive's ${fmt1(naive.bytesPerKey)} bytes per key.`,
  ];
}

async function main(): Promise<void> {
  const oneM: Scenario = quick
    ? { name: '10k products', keys: 10_000, events: 400_000, rate: 200, fresh: 0, users: 100_000 }
    : { name: '1M products', keys: 1_000_000, events: events1M, rate: 2_000, fresh: 0, users: 2_000_000 };
  const tenM: Scenario = quick
    ? { name: '100k keys', keys: 100_000, events: 300_000, rate: 2_000, fresh: 0.5, users: 100_000 }
    : { name: '10M keys', keys: 10_000_000, events: 21_000_000, rate: 20_000, fresh: 0.5, users: 2_000_000 };

  const loadAtStart = loadavg()[0]!;
  console.log(`${oneM.name}: ${fmtInt(oneM.events)} events at ${fmtInt(oneM.rate)}/s of event time`);
  const naive = measure(oneM, 'naive');
  console.log('naive ', naive);
  // The engine and the tuned baseline run REPEAT times each, interleaved, and keep their
  // fastest run: on a shared machine the least disturbed run is the closest to the truth.
  let engine = measure(oneM, 'engine');
  console.log('engine', engine);
  let slowest = engine.eventsPerSec;
  let tuned = measure(oneM, 'naive-tuned');
  console.log('tuned ', tuned);
  for (let i = 1; i < REPEAT; i++) {
    const e = measure(oneM, 'engine');
    console.log('engine', e);
    if (e.eventsPerSec > engine.eventsPerSec) engine = e;
    slowest = Math.min(slowest, e.eventsPerSec);
    const t = measure(oneM, 'naive-tuned');
    console.log('tuned ', t);
    if (t.eventsPerSec > tuned.eventsPerSec) tuned = t;
  }
  // What distinct-actor tracking costs at worst: no userId or sessionId, so every event is a new actor.
  const anonymous = measure({ ...oneM, users: 0 }, 'engine');
  console.log('engine, anonymous', anonymous);
  const fast = measure(oneM, 'engine', fastRule);
  console.log('engine, minActors 1', fast);
  const daily = measure(oneM, 'engine', seasonalRule);
  console.log('engine, seasonality daily', daily);
  let engine10: Result | undefined;
  let naive10: Result | undefined;
  if (!args.has('--skip-10m')) {
    console.log(`${tenM.name}: ${fmtInt(tenM.events)} events`);
    engine10 = measure(tenM, 'engine');
    console.log('engine', engine10);
    if (args.has('--naive-10m')) { naive10 = measure(tenM, 'naive-tuned'); console.log('tuned ', naive10); }
  }

  const loadAtEnd = loadavg()[0]!;
  const speedRatio = engine.eventsPerSec / naive.eventsPerSec;
  const memRatio = engine.bytesPerKey / naive.bytesPerKey;
  const body = [
    `Command: \`make bench-engine\` (runs \`node --expose-gc --max-old-space-size=12288 --import tsx bench/engine-speed.ts --write${args.has('--naive-10m') ? ' --naive-10m' : ''}\`).`,
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, shared with other work while measured), Node ${process.version}, load average (1 min) ${loadAtStart.toFixed(1)} at the start and ${loadAtEnd.toFixed(1)} at the end of the run (this benchmark itself is about 1). The engine is single-threaded.`,
    '',
    `Rule: surge, window 5m, bucket 10s, lateness 30s, half-life 6h, weights view 1 / add_to_cart 3 / purchase 5. Traffic: Zipf(s = 1) product popularity, 96.7% views, 2.5% carts, 0.8% purchases, generated in chunks of ${fmtInt(CHUNK)} outside the measured region.`,
    'Baselines, both in bench/engine/naive.ts, run on the identical events in the same process: a `Map` from product to an array of its timestamps; per event push, trim to a 1 h horizon, binary-search the horizon and the 5 m window, compare their rates. "naive" trims with `shift()` per event, the way a first prototype does; "naive, tuned" trims in batches with `splice`, which avoids the memmove that `shift()` costs on a hot product\'s long array.',
    `Speed: events per CPU-second (user + system time of the process, GC threads included, measured around each ingest call), which stays meaningful on a shared machine where wall time does not; the engine and the tuned baseline run ${REPEAT}× each, interleaved, and the fastest run counts (the first-prototype baseline runs once: it takes minutes). Memory: growth of heapUsed + arrayBuffers after gc() over the run, divided by the keys held, taken once the function that fed the events has returned (so the last chunk of events is not counted for any implementation); "reported" is the engine's own stats().stateBytes per key.`,
    '',
    `### ${oneM.name}, ${fmtInt(oneM.events)} events (${fmt1(oneM.events / oneM.rate / 3600)} h of event time)`,
    '',
    '| implementation | keys | events/s (CPU) | bytes/key (heap) | bytes/key (reported) | firing alerts |',
    '|---|---:|---:|---:|---:|---:|',
    row('naive Map of arrays', naive),
    row('naive, tuned', tuned),
    row('HerdWatch engine', engine),
    row('HerdWatch engine, anonymous events', anonymous),
    row('HerdWatch engine, minActors 1 (no actor tracking)', fast),
    row('HerdWatch engine, seasonality daily', daily),
    '',
    `Engine vs naive: **${speedRatio.toFixed(2)}× the events/s** (target ≥ 3×: ${speedRatio >= 3 ? 'met' : 'MISSED'}), **${memRatio.toFixed(2)}× the bytes per key** (target ≤ 0.3×: ${memRatio <= 0.3 ? 'met' : 'MISSED'}).`,
    `Engine vs the tuned naive: ${(engine.eventsPerSec / tuned.eventsPerSec).toFixed(2)}× the events/s, ${(engine.bytesPerKey / tuned.bytesPerKey).toFixed(2)}× the bytes per key.`,
    `Events carry a userId drawn uniformly from ${fmtInt(oneM.users)} shoppers (the engine counts distinct people per product; the baselines ignore them). ` +
      '"anonymous events" is the same traffic without userId, where every event counts as its own person: the worst case for the per-key actor sets, ' +
      `which then change the bytes per key by ${fmt1(anonymous.bytesPerKey - engine.bytesPerKey)} and take ${(engine.eventsPerSec / anonymous.eventsPerSec).toFixed(2)}× the CPU per event. ` +
      `"minActors 1" turns actor tracking off (no minActors test, no busiest-person rule): ${(fast.eventsPerSec / naive.eventsPerSec).toFixed(2)}× the naive events/s and ` +
      `${(fast.bytesPerKey / naive.bytesPerKey).toFixed(2)}× its bytes per key; distinct-actor tracking therefore costs ${(fast.eventsPerSec / engine.eventsPerSec).toFixed(2)}× the CPU per event ` +
      `and ${fmt1(engine.bytesPerKey - fast.bytesPerKey)} bytes per key on this traffic. ` +
      `"seasonality daily" adds the rule's hour-of-day profile (one per rule, not per key; buckets are divided by their hour's factor as they are folded): ` +
      `${(engine.eventsPerSec / daily.eventsPerSec).toFixed(2)}× the CPU per event and ${fmt1(daily.bytesPerKey - engine.bytesPerKey)} bytes per key against the default (seasonality none). ` +
      `The anonymous, minActors 1 and seasonality rows are single runs, compared with the default's fastest: its ${REPEAT} runs differed by ${(engine.eventsPerSec / slowest).toFixed(2)}× here, so CPU ratios closer to 1 than that are within noise.`,
    ...bytesAccount(engine, fast, naive),
    'The alert counts differ by design: the baselines have no significance test, no cold-start prior and no warm-up, so long-tail products with a few events page there.',
    '',
    ...(engine10 ? [
      `### ${tenM.name}, ${fmtInt(tenM.events)} events`,
      '',
      `Half the events introduce a new key, the rest are Zipf draws over ${fmtInt(tenM.keys)} keys; no key is idle long enough to be evicted, so all stay tracked.`,
      '',
      '| implementation | keys | events/s (CPU) | bytes/key (heap) | bytes/key (reported) | firing alerts |',
      '|---|---:|---:|---:|---:|---:|',
      row('HerdWatch engine', engine10),
      ...(naive10 ? [naive10.error ? `| naive, tuned | failed: ${naive10.error} | | | | |` : row('naive, tuned', naive10)] : []),
      '',
    ] : []),
  ].join('\n');
  console.log(body);
  if (args.has('--write')) await writeSection('docs/benchmarks.md', 'Engine speed and memory', body);
}

await main();
