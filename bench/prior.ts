/**
 * What the category prior (`detector.priorBy: category`) is worth: the default surge rule with
 * and without it, in the same run, on a simulated sparse catalogue whose categories differ
 * (bench/prior/catalogue.ts, known truth) and on the REES46 sample (real traffic).
 *
 *   tsx bench/prior.ts            print the section
 *   tsx bench/prior.ts --write    …and write it into docs/benchmarks.md ("Sparse catalogues: category prior")
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../src/engine/engine.js';
import type { HerdEvent } from '../src/events/schema.js';
import type { CompiledRule, Transition } from '../src/engine/types.js';
import { CATEGORIES, ESTABLISHED, HOT_FACTOR, HOT_MS, LAUNCHES, SPAN_MS, sparseCatalogue, type Launch } from './prior/catalogue.js';
import { readRees46, REES46_SAMPLE } from './quality/rees46.js';
import { defaultSurgeRule } from './quality/scenario.js';
import { writeSection } from './quality/section.js';

const SECTION = 'Sparse catalogues: category prior';
const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const { values } = parseArgs({ options: { write: { type: 'boolean', default: false }, seeds: { type: 'string', default: '1,2,3' } } });
const SEEDS = values.seeds.split(',').map(Number);
const START = Date.UTC(2026, 0, 5);
const DAY = 86_400_000;

const flatRule = defaultSurgeRule('site');
const priorRule = defaultSurgeRule('site', { priorBy: 'category' });
const windowBuckets = (r: CompiledRule) => r.detector.windowMs / r.detector.bucketMs;

interface Run { firings: Transition[]; predicted: Map<string, number>; bytesPerKey: number; keys: number; stateBytes: number }

/**
 * Feeds events a minute at a time; before each minute, what a product first seen in it is
 * expected to do in a window (its category's prior, or the flat prior's minEvents).
 */
function run(rule: CompiledRule, events: readonly HerdEvent[], firstSeen: ReadonlyMap<string, { at: number; category: string }>): Run {
  const engine = new Engine(rule);
  const predicted = new Map<string, number>();
  const byMinute = new Map<number, string[]>();
  for (const [id, f] of firstSeen) {
    const m = Math.floor(f.at / 60_000);
    let l = byMinute.get(m);
    if (l === undefined) byMinute.set(m, (l = []));
    l.push(id);
  }
  const firings: Transition[] = [];
  let i = 0;
  while (i < events.length) {
    const minute = Math.floor(events[i]!.ts / 60_000);
    for (const id of byMinute.get(minute) ?? []) predicted.set(id, engine.priorOf(firstSeen.get(id)!.category) ?? rule.detector.minEvents);
    let j = i;
    while (j < events.length && Math.floor(events[j]!.ts / 60_000) === minute) j++;
    firings.push(...engine.ingest(events.slice(i, j)).filter((t) => t.state === 'firing'));
    i = j;
  }
  const stats = engine.stats();
  firings.push(...engine.advanceTo(events.at(-1)!.ts + 3_600_000).filter((t) => t.state === 'firing'));
  return { firings, predicted, keys: stats.keys, stateBytes: stats.stateBytes, bytesPerKey: stats.stateBytes / Math.max(1, stats.keys) };
}

/** Median of x, and the share of x at most `within`. */
function median(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor((s.length - 1) / 2)]!;
}
const factorOff = (pred: number, truth: number) => Math.max(pred / truth, truth / pred);
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

interface CatalogueFigures { off: number[]; within2: number; falseAlerts: number; hotPaged: number; hot: number; reachable: number; delays: number[]; productDays: number; bytesPerKey: number; keys: number }

function catalogueFigures(rule: CompiledRule): CatalogueFigures {
  const acc: CatalogueFigures = { off: [], within2: 0, falseAlerts: 0, hotPaged: 0, hot: 0, reachable: 0, delays: [], productDays: 0, bytesPerKey: 0, keys: 0 };
  for (const seed of SEEDS) {
    const cat = sparseCatalogue(seed, START);
    const launches = new Map<string, Launch>(cat.launches.map((l) => [l.productId, l]));
    const firstSeen = new Map<string, { at: number; category: string }>();
    for (const e of cat.events) if (launches.has(e.productId!) && !firstSeen.has(e.productId!)) firstSeen.set(e.productId!, { at: e.ts, category: e.category! });
    const r = run(rule, cat.events, firstSeen);
    const W = windowBuckets(rule) * rule.detector.bucketMs / 60_000;
    for (const [id, pred] of r.predicted) {
      const truth = launches.get(id)!.perMinute * W;
      const off = factorOff(pred, truth);
      acc.off.push(off);
      if (off <= 2) acc.within2++;
    }
    const pagedHot = new Set<string>();
    for (const t of r.firings) {
      const l = launches.get(t.key);
      if (l?.hot === true && t.onset < l.at + HOT_MS + rule.detector.windowMs) {
        if (!pagedHot.has(t.key)) acc.delays.push((t.at - l.at) / 60_000);
        pagedHot.add(t.key);
      } else {
        acc.falseAlerts++;
      }
    }
    acc.hot += cat.launches.filter((l) => l.hot).length;
    // Hot launches whose hot rate reaches minEvents in a window at all: the others cannot page on their own traffic.
    acc.reachable += cat.launches.filter((l) => l.hot && l.perMinute * HOT_FACTOR * (rule.detector.windowMs / 60_000) >= rule.detector.minEvents).length;
    acc.hotPaged += pagedHot.size;
    acc.productDays += (cat.products * SPAN_MS) / DAY;
    acc.bytesPerKey += r.bytesPerKey / SEEDS.length;
    acc.keys += r.keys / SEEDS.length;
  }
  return acc;
}

interface RealFigures { alerts: Transition[]; per10k: number; mae: number; medianOff: number; newProducts: number; bytesPerKey: number }

function realFigures(rule: CompiledRule): RealFigures {
  const s = readRees46(REES46_SAMPLE);
  const W = rule.detector.windowMs;
  // New products: first seen 10 minutes or more after traffic returns from the tracking gap (02:10 UTC).
  const from = Date.UTC(2019, 9, 1, 2, 20);
  const end = s.events.at(-1)!.ts;
  const firstSeen = new Map<string, { at: number; category: string }>();
  const seenBefore = new Set<string>();
  for (const e of s.events) {
    if (e.ts < from) { seenBefore.add(e.productId!); continue; }
    if (!seenBefore.has(e.productId!) && !firstSeen.has(e.productId!) && e.category !== undefined) firstSeen.set(e.productId!, { at: e.ts, category: e.category });
  }
  const weight: Record<string, number> = { view: 1, add_to_cart: 3, purchase: 5 };
  // What each new product went on to do: its weighted events after its first one, per window of the time left.
  const later = new Map<string, number>();
  for (const e of s.events) {
    const f = firstSeen.get(e.productId!);
    if (f !== undefined && e.ts > f.at) later.set(e.productId!, (later.get(e.productId!) ?? 0) + (weight[e.type] ?? 0));
  }
  const r = run(rule, s.events, firstSeen);
  const errs: number[] = [];
  const offs: number[] = [];
  for (const [id, pred] of r.predicted) {
    const f = firstSeen.get(id)!;
    const windows = Math.max(1, (end - f.at) / W);
    const truth = (later.get(id) ?? 0) / windows;
    errs.push(Math.abs(pred - truth));
    offs.push(factorOff(Math.max(pred, 0.1), Math.max(truth, 0.1)));
  }
  const productDays = (s.products * s.spanMs) / DAY;
  return {
    alerts: r.firings, per10k: (r.firings.length / productDays) * 10_000, mae: errs.reduce((a, b) => a + b, 0) / Math.max(1, errs.length),
    medianOff: median(offs), newProducts: r.predicted.size, bytesPerKey: r.bytesPerKey,
  };
}

const rows: string[] = [];
const flat = catalogueFigures(flatRule);
const prior = catalogueFigures(priorRule);
const realFlat = realFigures(flatRule);
const realPrior = realFigures(priorRule);
const catRow = (name: string, c: CatalogueFigures) =>
  `| ${name} | ×${f1(median(c.off))} | ${((100 * c.within2) / c.off.length).toFixed(0)}% | ${c.falseAlerts} (${f1((c.falseAlerts / c.productDays) * 10_000)}) | ${c.hotPaged} of ${c.hot} (${c.reachable} reach minEvents) | ${f1(median(c.delays))} min | ${c.bytesPerKey.toFixed(0)} |`;
rows.push(
  `The default surge rule (5m window, 10s buckets, relativeTo site) with and without \`priorBy: category\`, in the same run. Reproduce: \`make bench-prior\` (bench/prior.ts).`,
  '',
  `**Simulated sparse catalogue** (bench/prior/catalogue.ts, seeds ${SEEDS.join(', ')}): ${CATEGORIES} categories whose typical rate per product is log-uniform between 0.02 and 3 views a minute, ` +
    `${ESTABLISHED} established products each and ${LAUNCHES} launched per category at random times after 2 h of a 10 h run; product rates are their category's × gamma (CV 0.5); ` +
    `a third of the launches are hot (${HOT_FACTOR}× their rate for their first 30 min), the rest launch at their ordinary rate. "Expected at launch" is what a brand-new product ` +
    'is expected to do in a window (the flat prior: minEvents, 12) against its true ordinary rate.',
  '',
  '| rule | expected at launch: median factor off | within 2× | false alerts (per 10,000 product-days) | hot launches paged | median delay | state bytes/key |',
  '|---|---|---|---|---|---|---|',
  catRow('flat prior (default)', flat),
  catRow('priorBy: category', prior),
  '',
  `**REES46 sample** (real traffic, ${realFlat.newProducts} products first seen after 02:20 UTC; category = category_code, else category_id): what a new product is expected to do in a window against what it went on to do ` +
    '(its weighted events after its first, per 5 minutes of the time left; both floored at 0.1 for the factor).',
  '',
  '| rule | alerts | per 10,000 product-days | new products: mean abs. error per window | median factor off | state bytes/key |',
  '|---|---|---|---|---|---|',
  `| flat prior (default) | ${realFlat.alerts.length} | ${f1(realFlat.per10k)} | ${f2(realFlat.mae)} | ×${f1(realFlat.medianOff)} | ${realFlat.bytesPerKey.toFixed(0)} |`,
  `| priorBy: category | ${realPrior.alerts.length} | ${f1(realPrior.per10k)} | ${f2(realPrior.mae)} | ×${f1(realPrior.medianOff)} | ${realPrior.bytesPerKey.toFixed(0)} |`,
  '',
  'State bytes/key is the engine\'s own `stats().stateBytes` over the keys held at the end (the prior adds 3 words per key and its per-category table; the engine benchmark has the precise per-key layout).',
);
const body = rows.join('\n');
console.log(`## ${SECTION}\n\n${body}`);
for (const t of realPrior.alerts) console.log(`prior alert: ${new Date(t.at).toISOString()} ${t.reason}`);
for (const t of realFlat.alerts) console.log(`flat alert: ${new Date(t.at).toISOString()} ${t.reason}`);
if (values.write) await writeSection(DOC, SECTION, body);
