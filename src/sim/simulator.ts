import type { HerdEvent } from '../events/schema.js';
import { HwError } from '../errors.js';
import { buildCatalog, CATEGORIES, PAYMENT_METHODS, REGIONS, SESSION_MS } from './catalog.js';
import { createRng } from './prng.js';
import { decoyFactor, decoyWindows, seasonFactor } from './season.js';
import { funnelFor, ORGANIC_FUNNEL, riseOf, surgeMultiplier, type Funnel } from './shapes.js';
import type { InjectedSurge, Seasonality, SimOptions, SimProduct, Simulator, SurgeSpec } from './types.js';

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
  const specs = [...o.surges].sort((a, b) => a.start - b.start);
  specs.forEach((s, i) => validateSurge(s, i, o.products));
  const decile = (rank: number) => Math.min(10, Math.floor((rank * 10) / o.products) + 1);
  const truth: InjectedSurge[] = specs.map((s, i) => ({
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

  const site = (t: number) => seasonFactor(o.seasonality, t) * decoyFactor(o.decoys, t);

  const makeEvent = (rank: number, ts: number, funnel: Funnel): HerdEvent => {
    const u = traffic.int(o.users);
    const x = traffic.next();
    const type = x < funnel.view ? 'view' : x < funnel.cart ? 'add_to_cart' : 'purchase';
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
      const q = traffic.next();
      const quantity = q < 0.85 ? 1 : q < 0.95 ? 2 : 3;
      e.quantity = quantity;
      e.amount = Math.round(price * quantity * 100) / 100;
      e.currency = 'EUR';
      e.location = catalog.userCity[u]!;
      e.paymentMethod = PAYMENT_METHODS[traffic.int(PAYMENT_METHODS.length)]!;
    }
    return e;
  };

  /** Generates one slice; events with ts < until go to out, the rest wait in pending. */
  const generateSlice = (out: HerdEvent[], until: number): void => {
    const from = sliceStart;
    const to = from + SLICE_MS;
    const mid = from + SLICE_MS / 2;
    while (nextSurge < specs.length && specs[nextSurge]!.start < to) {
      const spec = specs[nextSurge++]!;
      active.push({ spec, end: spec.start + spec.durationMs, share: catalog.shares[spec.rank]!, funnel: funnelFor(spec.shape) });
    }
    if (active.length > 0) active = active.filter((a) => a.end > from);
    const perMs = (o.eventsPerSecond * site(mid)) / 1000;
    const extra = active.map((a) => perMs * a.share * (surgeMultiplier(a.spec, mid) - 1));
    let total = perMs;
    for (const x of extra) total += x;
    sliceStart = to;
    if (total <= 0) return;
    const gap = 1 / total;
    for (let t = from + traffic.exp(gap); t < to; t += traffic.exp(gap)) {
      let pick = traffic.next() * total - perMs;
      let e: HerdEvent;
      if (pick < 0) {
        e = makeEvent(catalog.popularity.sample(traffic), Math.floor(t), ORGANIC_FUNNEL);
      } else {
        let i = 0;
        while (i < extra.length - 1 && pick >= extra[i]!) pick -= extra[i++]!;
        const a = active[i]!;
        e = makeEvent(a.spec.rank, Math.floor(t), a.funnel);
      }
      if (e.ts < until) out.push(e);
      else pending.push(e);
    }
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
    decoyWindows: (until) => decoyWindows(o.seasonality, o.decoys, o.start, until),
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
    if (!(d.multiplier > 0 && d.durationMs > 0)) throw bad(`decoys[${i}]`, 'a positive multiplier and durationMs');
  });
  return o;
}

function validateSurge(s: SurgeSpec, i: number, products: number): void {
  const field = `sim.surges[${i}]`;
  if (!Number.isInteger(s.rank) || s.rank < 0 || s.rank >= products) throw new HwError('HW_ERR_CONFIG', { field: `${field}.rank`, expected: `an integer in [0, ${products})` });
  if (!(s.multiplier >= 1)) throw new HwError('HW_ERR_CONFIG', { field: `${field}.multiplier`, expected: 'a number ≥ 1' });
  if (!(s.durationMs > 0)) throw new HwError('HW_ERR_CONFIG', { field: `${field}.durationMs`, expected: 'a positive duration in ms' });
}
