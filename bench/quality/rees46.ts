import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { readCsvRecords } from '../../src/events/csv.js';
import type { HerdEvent } from '../../src/events/schema.js';

/**
 * Reads a REES46 "eCommerce behavior data from multi category store" export
 * (event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session)
 * as HerdEvents: cart → add_to_cart, the category code (else the category id) as category,
 * the brand in attrs.brand, the session as sessionId. Ids are the row number, so a file read
 * twice gives the same events.
 */
const TYPES: Readonly<Record<string, HerdEvent['type']>> = { view: 'view', cart: 'add_to_cart', remove_from_cart: 'remove_from_cart', purchase: 'purchase' };

export interface Rees46 { readonly events: HerdEvent[]; readonly skipped: number; readonly products: number; readonly spanMs: number }

export function readRees46(file: string): Rees46 {
  const raw = readFileSync(file);
  const records = readCsvRecords((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
  const head = records[0]?.fields ?? [];
  const col = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`${file}: no column ${name} in the header`);
    return i;
  };
  const c = { time: col('event_time'), type: col('event_type'), product: col('product_id'), catId: col('category_id'), cat: col('category_code'), brand: col('brand'), price: col('price'), user: col('user_id'), session: col('user_session') };
  const events: HerdEvent[] = [];
  let skipped = 0;
  for (const r of records.slice(1)) {
    const f = r.fields;
    const type = TYPES[f[c.type] ?? ''];
    const ts = Date.parse((f[c.time] ?? '').replace(' UTC', 'Z').replace(' ', 'T'));
    if (type === undefined || !Number.isFinite(ts) || !f[c.product]) { skipped++; continue; }
    const e: HerdEvent = { id: `rees46-${r.line}`, type, ts, productId: f[c.product]!, category: f[c.cat] || f[c.catId] || undefined };
    if (f[c.user]) e.userId = f[c.user];
    if (f[c.session]) e.sessionId = f[c.session];
    const price = Number(f[c.price]);
    if (Number.isFinite(price) && f[c.price] !== '') e.price = price;
    if (f[c.brand]) e.attrs = { brand: f[c.brand]! };
    events.push(e);
  }
  events.sort((a, b) => a.ts - b.ts);
  const products = new Set(events.map((e) => e.productId)).size;
  const spanMs = events.length > 0 ? events[events.length - 1]!.ts - events[0]!.ts : 0;
  return { events, skipped, products, spanMs };
}

/** The REES46 sample shipped with the benchmark (see testdata/README.md). */
export const REES46_SAMPLE = new URL('./testdata/rees46-2019-10-01-head.csv.gz', import.meta.url).pathname;
