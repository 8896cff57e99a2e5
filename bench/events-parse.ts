/**
 * Ingest parsing speed: parseEvents (decode, validate, normalise, content id) + enrich on
 * 100,000 shop events, as a JSON array and as NDJSON, with and without sender ids.
 * Prints events/s per core; best of 5 runs. `make bench-events`
 */
import { enrich, parseEvents } from '../src/events/index.js';

const N = 100_000;
const events = Array.from({ length: N }, (_, i) => ({
  type: i % 40 === 0 ? 'purchase' : i % 12 === 0 ? 'add_to_cart' : 'view',
  ts: Date.UTC(2025, 8, 30) + i * 10,
  productId: `p${(i * 7919) % 50_000}`,
  userId: `u${i % 9973}`,
  price: 5 + (i % 200),
  category: 'sneakers',
}));
const cases: [string, string, string][] = [
  ['JSON array, no ids (hashed)', JSON.stringify(events), 'application/json'],
  ['NDJSON, no ids (hashed)', events.map((e) => JSON.stringify(e)).join('\n'), 'application/x-ndjson'],
  ['JSON array, with ids', JSON.stringify(events.map((e, i) => ({ id: `e${i}`, ...e }))), 'application/json'],
];

for (const [name, body, type] of cases) {
  let best = 0;
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    const { events: out, rejected } = parseEvents(body, type);
    for (const e of out) enrich(e, { now: 0 });
    if (out.length !== N || rejected.length !== 0) throw new Error(`${name}: ${out.length} events, ${rejected.length} rejected`);
    best = Math.max(best, N / ((performance.now() - t) / 1000));
  }
  console.log(`${name.padEnd(30)} ${Math.round(best).toLocaleString('en-US').padStart(10)} events/s`);
}
