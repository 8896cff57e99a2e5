import type { HerdEvent } from '../../src/events/schema.js';
import { mulberry32 } from '../../src/sim/prng.js';

export const PRODUCTS = 8;
/** Mean events per product per 10 s bucket, in the history and live alike (about 10 events/s in all). */
const PER_BUCKET = 12;

async function post(api: string, events: readonly unknown[]): Promise<{ accepted: number; rejected: unknown[] }> {
  const body = events.map((e) => JSON.stringify(e)).join('\n');
  const res = await fetch(`${api}/api/v1/events`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson' } });
  return await res.json() as { accepted: number; rejected: unknown[] };
}

/**
 * Steady views and carts on every product, by many distinct shoppers, with small noise; one
 * product surging (factor × its usual attention) in a window of minutes. Seeded: the same
 * traffic on every run.
 */
function history(start: number, minutes: number, surge: { product: string; fromMin: number; toMin: number; factor: number }): HerdEvent[] {
  const rnd = mulberry32(11);
  const out: HerdEvent[] = [];
  let n = 0;
  for (let b = 0; b < minutes * 6; b++) {
    const minute = b / 6;
    for (let i = 0; i < PRODUCTS; i++) {
      const productId = `P${i}`;
      const hot = productId === surge.product && minute >= surge.fromMin && minute < surge.toMin;
      const count = Math.max(0, Math.round(PER_BUCKET * (hot ? surge.factor : 1) + (rnd() - 0.5) * 4));
      for (let k = 0; k < count; k++) {
        const ts = start + b * 10_000 + Math.floor(rnd() * 10_000);
        out.push({ id: `h${++n}`, type: rnd() < 0.85 ? 'view' : 'add_to_cart', ts, productId, category: 'sneakers', userId: `u${Math.floor(rnd() * 5000)}` });
      }
    }
  }
  return out.sort((a, b) => a.ts - b.ts);
}

/**
 * An hour of history through the API, ending now, with product P3 surging in its last minutes:
 * the detector replays it, fires for P3 and shows it trending while the suite runs.
 */
export async function sendHistory(api: string): Promise<number> {
  const end = Date.now();
  const start = Math.floor((end - 60 * 60_000) / 10_000) * 10_000;
  const events = history(start, 60, { product: 'P3', fromMin: 54, toMin: 60, factor: 8 }).filter((e) => e.ts <= end);
  let accepted = 0;
  for (let i = 0; i < events.length; i += 1000) accepted += (await post(api, events.slice(i, i + 1000))).accepted;
  return accepted;
}

/** Steady live traffic at the history's rate, stamped with the wall clock, until stopped. */
export function liveTraffic(api: string): { stop(): Promise<void>; sent(): number } {
  let n = 0;
  let stopped = false;
  const perTick = (PRODUCTS * PER_BUCKET) / 10 / 4;
  const loop = (async () => {
    while (!stopped) {
      const now = Date.now();
      const events: HerdEvent[] = Array.from({ length: Math.round(perTick) }, (_, i) => ({
        id: `live-${now}-${i}`, type: i % 7 === 0 ? 'add_to_cart' : 'view', ts: now, productId: `P${(n + i) % PRODUCTS}`, category: 'sneakers',
        userId: `u${(n + i * 7919) % 5000}`,
      }));
      n += events.length;
      await post(api, events).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
    sent: () => n,
  };
}

/** Events the API must refuse (no product, an unknown type): counted by code, never stored. */
export async function sendBadEvents(api: string, count: number): Promise<number> {
  const bad = Array.from({ length: count }, (_, i) => (i % 2 === 0 ? { type: 'view', ts: Date.now() } : { type: 'teleport', ts: Date.now(), productId: 'P1' }));
  const r = await post(api, bad);
  return r.rejected.length;
}
