import { buildAliasTable, zipfShares, type AliasTable } from './alias.js';
import type { Rng } from './prng.js';

export const CATEGORIES = ['sneakers', 'boots', 'jackets', 'jeans', 't-shirts', 'dresses', 'bags', 'watches', 'sunglasses', 'hats', 'socks', 'sportswear'] as const;
export const REGIONS = ['EU-West', 'EU-North', 'EU-South', 'US-East', 'US-West', 'APAC'] as const;
const CITIES: Readonly<Record<string, readonly string[]>> = {
  'EU-West': ['Paris', 'Amsterdam', 'Brussels', 'London'],
  'EU-North': ['Stockholm', 'Oslo', 'Copenhagen', 'Helsinki'],
  'EU-South': ['Madrid', 'Rome', 'Lisbon', 'Athens'],
  'US-East': ['New York', 'Boston', 'Atlanta', 'Miami'],
  'US-West': ['Seattle', 'San Francisco', 'Los Angeles', 'Denver'],
  APAC: ['Singapore', 'Tokyo', 'Sydney', 'Seoul'],
};
export const PAYMENT_METHODS = ['card', 'paypal', 'apple_pay', 'klarna'] as const;

/**
 * Products and users, stored column-wise: a million products as objects would cost
 * hundreds of megabytes, as typed arrays and one id string each it is a few dozen.
 */
export interface Catalog {
  readonly size: number;
  /** Popularity share per rank (sums to 1). */
  readonly shares: Float64Array;
  readonly popularity: AliasTable;
  readonly ids: readonly string[];
  readonly category: Uint8Array;
  readonly price: Float64Array;
  readonly rankById: ReadonlyMap<string, number>;
  readonly userIds: readonly string[];
  readonly userRegion: Uint8Array;
  readonly userCity: readonly string[];
  /** Offsets so users' 30-minute sessions do not all roll over at the same instant. */
  readonly userSessionOffset: Float64Array;
}

export function buildCatalog(rng: Rng, products: number, zipfExponent: number, users: number): Catalog {
  const shares = zipfShares(products, zipfExponent);
  // Ids do not reveal popularity: a seeded shuffle of 1..n.
  const order = new Int32Array(products);
  for (let i = 0; i < products; i++) order[i] = i + 1;
  for (let i = products - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const ids: string[] = new Array<string>(products);
  const category = new Uint8Array(products);
  const price = new Float64Array(products);
  const rankById = new Map<string, number>();
  for (let r = 0; r < products; r++) {
    const id = `sku-${order[r]!}`;
    ids[r] = id;
    rankById.set(id, r);
    category[r] = rng.int(CATEGORIES.length);
    // Log-normal-ish prices between a few and a few hundred euros, rounded to .99.
    price[r] = Math.max(4.99, Math.round(Math.exp(3.4 + 0.9 * gaussian(rng))) - 0.01);
  }
  const userIds: string[] = new Array<string>(users);
  const userRegion = new Uint8Array(users);
  const userCity: string[] = new Array<string>(users);
  const userSessionOffset = new Float64Array(users);
  for (let u = 0; u < users; u++) {
    userIds[u] = `u${u + 1}`;
    const reg = rng.int(REGIONS.length);
    userRegion[u] = reg;
    const cities = CITIES[REGIONS[reg]!]!;
    userCity[u] = cities[rng.int(cities.length)]!;
    userSessionOffset[u] = rng.next() * SESSION_MS;
  }
  return { size: products, shares, popularity: buildAliasTable(shares), ids, category, price, rankById, userIds, userRegion, userCity, userSessionOffset };
}

export const SESSION_MS = 30 * 60_000;

function gaussian(rng: Rng): number {
  // Box-Muller; one of the pair is enough here.
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}
