import type { HerdEvent } from '../events/schema.js';
import { HwError } from '../errors.js';
import { buildCatalog, CATEGORIES, PAYMENT_METHODS, REGIONS, SESSION_MS } from './catalog.js';
import { createRng } from './prng.js';
import { decoyFactor, decoyWindows, seasonFactor, weekFactor } from './season.js';
import { funnelFor, ORGANIC_FUNNEL, riseOf, surgeMultiplier, type Funnel } from './shapes.js';
import type { DecoyWindow, InjectedSurge, ProductDecoy, Seasonality, SimOptions, SimProduct, Simulator, SurgeSpec } from './types.js';
import type { Rng } from './prng.js';

/**
 * Traffic is a Poisson process whose rate is constant within each one-second slice of
 * event time: site rate × day curve × decoys, plus each active surge's extra rate. Slices
 * sit on a fixed grid and are generated whole, so a seed yields the same events however
 * eventsUntil is called (once for a day, or every 200 ms live), and the cost of a call is
 * proportional to the events it returns.
 */
const SLICE_MS = 1_000;
const DEFAULT_SEASONALITY: Seasonality = { amplitude: 0.5, peakHourUtc: 20 };

interface ActiveSurge {
  readonly spec: SurgeSpec;
  readonly end: number;
  readonly share: number;
  readonly funnel: Funnel;
}

export function createSimulator(opts: SimOptions): Simulator {
  const o = resolveOptions(opts);
  const rng = createRng(o.seed);
  const catalog = buildCatalog(rng.fork(1), o.products, o.zipfExponent, o.users);
  const traffic = rng.fork(2);
  // Clusters and product decoys draw from their own stream, so turning them on leaves the rest of a seed's traffic as it was.
  const side = rng.fork(3);
  const truthSpecs = [...o.surges].sort((a, b) => a.start - b.start);
  truthSpecs.forEach((s, i) => validateSurge(s, i, o.products));
  o.productDecoys.forEach((d, i) => validateSurge({ rank: d.rank, shape: 'ramp', multiplier: 1, start: d.start, durationMs: d.durationMs }, i, o.products));
  // A dominant product's own rise is generated like a ramp surge, but it is not a surge to find.
  const specs = [...truthSpecs, ...o.productDecoys.filter((d) => d.kind === 'dominant_rise').map((d): SurgeSpec => ({
    rank: d.rank, shape: 'ramp', multiplier: 3, start: d.start, durationMs: d.durationMs * 4, riseMs: d.durationMs,
  }))].sort((a, b) => a.start - b.start);
  /** Events decided ahead of their time (cluster follow-ups, one-shopper and bot decoys), oldest first. */
  let scheduled: HerdEvent[] = [];
  const decile = (rank: number) => Math.min(10, Math.floor((rank * 10) / o.products) + 1);
  const truth: InjectedSurge[] = truthSpecs.map((s, i) => ({
    id: `surge-${i + 1}`,
    productId: catalog.ids[s.rank]!,
    rank: s.rank,
    decile: decile(s.rank),
    shape: s.shape,
    multiplier: s.multiplier,
    start: s.start,
    end: s.start + s.durationMs,
    peakAt: s.start + riseOf(s),
    baselineEventsPerSecond: o.eventsPerSecond * catalog.shares[s.rank]!,
  }));

  let nextSurge = 0;
  let active: ActiveSurge[] = [];
  let sliceStart = o.start;
  let cursor = o.start;
  let pending: HerdEvent[] = [];
  let pendingAt = 0;
  let seq = 0;

  const site = (t: number) => seasonFactor(o.seasonality, t) * weekFactor(o.weekendFactor, t) * decoyFactor(o.decoys, t);

  const makeEvent = (rank: number, ts: number, funnel: Funnel, r: Rng = traffic, user?: number, forced?: HerdEvent['type']): HerdEvent => {
    const u = user ?? r.int(o.users);
    const x = r.next();
    const type = forced ?? (x < funnel.view ? 'view' : x < funnel.cart ? 'add_to_cart' : 'purchase');
    const userId = catalog.userIds[u]!;
    const price = catalog.price[rank]!;
    const e: HerdEvent = {
      id: `${o.idPrefix}-${(seq++).toString(36)}`,
      type,
      ts,
      productId: catalog.ids[rank]!,
      userId,
      sessionId: `${userId}-${Math.floor((ts + catalog.userSessionOffset[u]!) / SESSION_MS).toString(36)}`,
      category: CATEGORIES[catalog.category[rank]!]!,
      region: REGIONS[catalog.userRegion[u]!]!,
      price,
    };
    if (type === 'purchase') {
      const q = r.next();
      const quantity = q < 0.85 ? 1 : q < 0.95 ? 2 : 3;
      e.quantity = quantity;
      e.amount = Math.round(price * quantity * 100) / 100;
      e.currency = 'EUR';
      e.location = catalog.userCity[u]!;
      e.paymentMethod = PAYMENT_METHODS[r.int(PAYMENT_METHODS.length)]!;
    }
    return e;
  };

  const schedule = (e: HerdEvent): void => {
    let i = scheduled.length;
    scheduled.push(e);
    while (i > 0 && scheduled[i - 1]!.ts > e.ts) { scheduled[i] = scheduled[i - 1]!; i--; }
    scheduled[i] = e;
  };
  const decoyWindowsOfProducts: DecoyWindow[] = [];
  for (const d of o.productDecoys) {
    const productId = catalog.ids[d.rank]!;
    const user = side.int(o.users);
    if (d.kind === 'one_shopper') {
      for (let i = 0; i < 6; i++) schedule(makeEvent(d.rank, d.start + i * 10_000, ORGANIC_FUNNEL, side, user, i < 2 ? 'view' : 'purchase'));
      decoyWindowsOfProducts.push({ kind: d.kind, productId, start: d.start, end: d.start + 60_000, multiplier: 1 });
    } else if (d.kind === 'bot') {
      for (let t = d.start; t < d.start + d.durationMs; t += 1_000) {
        const e = makeEvent(d.rank, t, ORGANIC_FUNNEL, side, user, 'view');
        e.sessionId = `bot-${d.rank}`;
        schedule(e);
      }
      decoyWindowsOfProducts.push({ kind: d.kind, productId, start: d.start, end: d.start + d.durationMs, multiplier: 1 });
    } else {
      decoyWindowsOfProducts.push({ kind: d.kind, productId, start: d.start, end: d.start + d.durationMs * 4, multiplier: 3 });
    }
  }
  const clusterP = o.clusterMean / (1 + o.clusterMean);
  const organicScale = 1 / (1 + o.clusterMean);
  /** Compound Poisson: the same shopper comes back to the product a geometric number of times within a minute. */
  const comeBack = (e: HerdEvent, t: number, funnel: Funnel): void => {
    if (!(clusterP > 0)) return;
    const rank = catalog.rankById.get(e.productId!)!;
    const user = Number(e.userId!.slice(1)) - 1;
    while (side.next() < clusterP) schedule(makeEvent(rank, Math.floor(t + 1_000 + side.next() * 59_000), funnel, side, user));
  };

  /** Generates one slice; events with ts < until go to out, the rest wait in pending. */
  const generateSlice = (sink: HerdEvent[], until: number): void => {
    const out: HerdEvent[] = [];
    const from = sliceStart;
    const to = from + SLICE_MS;
    const mid = from + SLICE_MS / 2;
    while (nextSurge < specs.length && specs[nextSurge]!.start < to) {
      const spec = specs[nextSurge++]!;
      active.push({ spec, end: spec.start + spec.durationMs, share: catalog.shares[spec.rank]!, funnel: funnelFor(spec.shape) });
    }
    if (active.length > 0) active = active.filter((a) => a.end > from);
    const perMs = (o.eventsPerSecond * site(mid) * organicScale) / 1000;
    const extra = active.map((a) => perMs * a.share * (surgeMultiplier(a.spec, mid) - 1));
    let total = perMs;
    for (const x of extra) total += x;
    sliceStart = to;
    const flush = () => {
      let n = 0;
      while (n < scheduled.length && scheduled[n]!.ts < to) n++;
      if (n > 0) {
        out.push(...scheduled.slice(0, n));
        scheduled = scheduled.slice(n);
        out.sort((a, b) => a.ts - b.ts);
      }
      for (const e of out) {
        // Nothing is recorded during a tracking gap, follow-ups and decoys included.
        if (n > 0 && o.decoys.length > 0 && decoyFactor(o.decoys, e.ts) === 0) continue;
        (e.ts < until ? sink : pending).push(e);
      }
    };
    if (total <= 0) { flush(); return; }
    const gap = 1 / total;
    for (let t = from + traffic.exp(gap); t < to; t += traffic.exp(gap)) {
      let pick = traffic.next() * total - perMs;
      let e: HerdEvent;
      if (pick < 0) {
        e = makeEvent(catalog.popularity.sample(traffic), Math.floor(t), ORGANIC_FUNNEL);
        comeBack(e, t, ORGANIC_FUNNEL);
      } else {
        let i = 0;
        while (i < extra.length - 1 && pick >= extra[i]!) pick -= extra[i++]!;
        const a = active[i]!;
        e = makeEvent(a.spec.rank, Math.floor(t), a.funnel);
        // A herd's shoppers come back like everyone else's, so an m× surge is m× the product's
        // events too (without this a 3× surge was 1 + 2/(1 + clusterMean) = 2.33× in events).
        comeBack(e, t, a.funnel);
      }
      out.push(e);
    }
    flush();
  };

  const sim: Simulator = {
    options: o,
    get cursor() {
      return cursor;
    },
    truth,
    productCount: o.products,
    eventsUntil(ts) {
      const out: HerdEvent[] = [];
      if (!(ts > cursor)) return out;
      while (pendingAt < pending.length && pending[pendingAt]!.ts < ts) out.push(pending[pendingAt++]!);
      if (pendingAt === pending.length) {
        pending = [];
        pendingAt = 0;
        while (sliceStart < ts) generateSlice(out, ts);
      }
      cursor = ts;
      return out;
    },
    decoyWindows: (until) => [...decoyWindows(o.seasonality, o.decoys, o.start, until),
      ...decoyWindowsOfProducts.filter((w) => w.start < until).map((w) => ({ ...w, end: Math.min(w.end, until) }))].sort((a, b) => a.start - b.start),
    product(rank): SimProduct {
      const id = catalog.ids[rank];
      if (id === undefined) throw new HwError('HW_ERR_CONFIG', { field: 'rank', expected: `an integer in [0, ${o.products})`, message: `no product of rank ${rank}` });
      return {
        id,
        rank,
        decile: decile(rank),
        category: CATEGORIES[catalog.category[rank]!]!,
        price: catalog.price[rank]!,
        baselineEventsPerSecond: o.eventsPerSecond * catalog.shares[rank]!,
      };
    },
    rankOf: (id) => catalog.rankById.get(id),
    siteFactor: site,
    meanWeight: (w, dflt = 1) => meanWeight(ORGANIC_FUNNEL, w, dflt),
    expectedWeightedPerMinute(rank, w, ts) {
      // Arrivals × events per arrival (1 + clusterMean) = eventsPerSecond × share × factors.
      const perMinute = o.eventsPerSecond * (catalog.shares[rank] ?? 0) * site(ts) * 60;
      let rate = perMinute * meanWeight(ORGANIC_FUNNEL, w, 1);
      for (const s of specs) if (s.rank === rank) rate += perMinute * (surgeMultiplier(s, ts) - 1) * meanWeight(funnelFor(s.shape), w, 1);
      return rate;
    },
    baselineWeightedPerMinute(rank, w, ts) {
      const season = ts === undefined ? 1 : seasonFactor(o.seasonality, ts);
      return o.eventsPerSecond * (catalog.shares[rank] ?? 0) * season * 60 * meanWeight(ORGANIC_FUNNEL, w, 1);
    },
  };
  return sim;
}

function meanWeight(f: Funnel, w: Readonly<Record<string, number>>, dflt: number): number {
  const of = (t: string) => w[t] ?? dflt;
  return f.view * of('view') + (f.cart - f.view) * of('add_to_cart') + (1 - f.cart) * of('purchase');
}

function resolveOptions(opts: SimOptions): Simulator['options'] {
  const o = {
    seed: opts.seed,
    products: opts.products ?? 10_000,
    zipfExponent: opts.zipfExponent ?? 1,
    eventsPerSecond: opts.eventsPerSecond ?? 100,
    start: opts.start ?? 0,
    seasonality: opts.seasonality ?? DEFAULT_SEASONALITY,
    surges: opts.surges ?? [],
    decoys: opts.decoys ?? [],
    productDecoys: opts.productDecoys ?? ([] as readonly ProductDecoy[]),
    clusterMean: opts.clusterMean ?? 0,
    weekendFactor: opts.weekendFactor ?? 1,
    users: opts.users ?? 100_000,
    idPrefix: opts.idPrefix ?? `sim${opts.seed}`,
  };
  const bad = (field: string, expected: string) => new HwError('HW_ERR_CONFIG', { field: `sim.${field}`, expected });
  if (!Number.isInteger(o.seed)) throw bad('seed', 'an integer');
  if (!Number.isInteger(o.products) || o.products < 1 || o.products > 50_000_000) throw bad('products', 'an integer from 1 to 50,000,000');
  if (!(o.zipfExponent >= 0 && o.zipfExponent <= 5)) throw bad('zipfExponent', 'a number from 0 to 5');
  if (!(o.eventsPerSecond > 0 && Number.isFinite(o.eventsPerSecond))) throw bad('eventsPerSecond', 'a positive number');
  if (!Number.isFinite(o.start)) throw bad('start', 'epoch milliseconds');
  if (!Number.isInteger(o.users) || o.users < 1) throw bad('users', 'a positive integer');
  if (o.seasonality !== false && !(o.seasonality.amplitude >= 0 && o.seasonality.amplitude < 1)) throw bad('seasonality.amplitude', 'a number in [0, 1)');
  o.decoys.forEach((d, i) => {
    if (!(d.multiplier >= 0 && d.durationMs > 0)) throw bad(`decoys[${i}]`, 'a multiplier ≥ 0 (0: a tracking gap) and a positive durationMs');
  });
  return o;
}

function validateSurge(s: SurgeSpec, i: number, products: number): void {
  const field = `sim.surges[${i}]`;
  if (!Number.isInteger(s.rank) || s.rank < 0 || s.rank >= products) throw new HwError('HW_ERR_CONFIG', { field: `${field}.rank`, expected: `an integer in [0, ${products})` });
  if (!(s.multiplier >= 1)) throw new HwError('HW_ERR_CONFIG', { field: `${field}.multiplier`, expected: 'a number ≥ 1' });
  if (!(s.durationMs > 0)) throw new HwError('HW_ERR_CONFIG', { field: `${field}.durationMs`, expected: 'a positive duration in ms' });
}
