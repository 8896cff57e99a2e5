import { EVENT_TYPES, EventSchema, type EventType, type HerdEvent, type ValueTier } from '../events/schema.js';

/**
 * HWB1, the binary value format of HerdWatch's own events topic: several events of one
 * partition in one record, with a per-record string table (product ids, categories and
 * regions repeat within a request, so each is decoded once per record, not once per event).
 * Specified in docs/kafka-format.md; a value whose first byte is not 0x00 is JSON (one event).
 *
 *   00 | version 01 | flags u8 | n uvarint | base f64 | k uvarint, k x (len uvarint, UTF-8)
 *   n x (presence u16 | type u8 | ts | fields present, in bit order)
 *
 * flags bit 0: ts and receivedAt are f64 (some value was not a safe integer); otherwise
 * zigzag varints of the difference to `base`.
 */
export const BATCH_MAGIC = 0x00;
export const BATCH_VERSION = 1;

/** String fields, in bit order (bits 0–8). */
const STRINGS = ['id', 'productId', 'userId', 'sessionId', 'category', 'region', 'location', 'paymentMethod', 'currency'] as const;
const PRICE = 1 << 9;
const QUANTITY = 1 << 10;
const AMOUNT = 1 << 11;
const COUNT = 1 << 12;
const RECEIVED = 1 << 13;
const TIER = 1 << 14;
const ATTRS = 1 << 15;
const F64_TIMES = 1;
const TIERS: readonly ValueTier[] = ['Low', 'Medium', 'High'];
const TYPE_INDEX = new Map<string, number>(EVENT_TYPES.map((t, i) => [t, i]));
const TIER_INDEX = new Map<string, number>(TIERS.map((t, i) => [t, i]));

/** Every field the format carries: a test fails when HerdEvent gains one that is not here. */
export const ENCODED_FIELDS: readonly string[] = ['type', 'ts', ...STRINGS, 'price', 'quantity', 'amount', 'count', 'receivedAt', 'valueTier', 'attrs'];

class Writer {
  buf = Buffer.allocUnsafe(4096);
  at = 0;

  room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.at++] = v;
  }

  u16(v: number): void {
    this.room(2);
    this.buf.writeUInt16LE(v, this.at);
    this.at += 2;
  }

  f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.at);
    this.at += 8;
  }

  /** Unsigned LEB128 of a safe non-negative integer (arithmetic, not bit operators: up to 2^53). */
  uvar(v: number): void {
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.at++] = v;
  }

  zvar(v: number): void {
    this.uvar(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  bytes(s: string): void {
    const n = Buffer.byteLength(s);
    this.uvar(n);
    this.room(n);
    this.at += this.buf.write(s, this.at, 'utf8');
  }
}

const safe = (v: number | undefined) => v === undefined || Number.isSafeInteger(v);

/** Encodes events as one HWB1 value. Lossless for every HerdEvent field (see ENCODED_FIELDS). */
export function encodeEventBatch(events: readonly HerdEvent[]): Buffer {
  const strings = new Map<string, number>();
  const index = (s: string): number => {
    let i = strings.get(s);
    if (i === undefined) strings.set(s, (i = strings.size));
    return i;
  };
  const base = events.length > 0 ? events[0]!.ts : 0;
  const f64Times = !events.every((e) => safe(e.ts) && safe(e.receivedAt) && safe(e.ts - base) && (e.receivedAt === undefined || safe(e.receivedAt - base)));
  const rows = new Writer();
  for (const e of events) {
    let presence = 0;
    const refs: number[] = [];
    for (let b = 0; b < STRINGS.length; b++) {
      const v = e[STRINGS[b]!];
      if (v !== undefined) {
        presence |= 1 << b;
        refs.push(index(v));
      }
    }
    if (e.price !== undefined) presence |= PRICE;
    if (e.quantity !== undefined) presence |= QUANTITY;
    if (e.amount !== undefined) presence |= AMOUNT;
    if (e.count !== undefined) presence |= COUNT;
    if (e.receivedAt !== undefined) presence |= RECEIVED;
    if (e.valueTier !== undefined) presence |= TIER;
    if (e.attrs !== undefined) presence |= ATTRS;
    rows.u16(presence);
    rows.u8(TYPE_INDEX.get(e.type) ?? 0xff);
    if (f64Times) rows.f64(e.ts);
    else rows.zvar(e.ts - base);
    for (const r of refs) rows.uvar(r);
    if (e.price !== undefined) rows.f64(e.price);
    if (e.quantity !== undefined) rows.f64(e.quantity);
    if (e.amount !== undefined) rows.f64(e.amount);
    if (e.count !== undefined) rows.f64(e.count);
    if (e.receivedAt !== undefined) {
      if (f64Times) rows.f64(e.receivedAt);
      else rows.zvar(e.receivedAt - base);
    }
    if (e.valueTier !== undefined) rows.u8(TIER_INDEX.get(e.valueTier) ?? 0xff);
    if (e.attrs !== undefined) {
      const entries = Object.entries(e.attrs);
      rows.uvar(entries.length);
      for (const [k, v] of entries) {
        rows.uvar(index(k));
        if (typeof v === 'string') {
          rows.u8(0);
          rows.uvar(index(v));
        } else if (typeof v === 'number') {
          rows.u8(1);
          rows.f64(v);
        } else rows.u8(v ? 2 : 3);
      }
    }
  }
  const head = new Writer();
  head.u8(BATCH_MAGIC);
  head.u8(BATCH_VERSION);
  head.u8(f64Times ? F64_TIMES : 0);
  head.uvar(events.length);
  head.f64(base);
  head.uvar(strings.size);
  for (const s of strings.keys()) head.bytes(s);
  head.room(rows.at);
  rows.buf.copy(head.buf, head.at, 0, rows.at);
  return head.buf.subarray(0, head.at + rows.at);
}

/** Events in a value without decoding it: n of an HWB1 batch, else 1 (a JSON event). For counting loops. */
export function eventCount(value: Buffer | null): number {
  if (!value || value.length < 4 || value[0] !== BATCH_MAGIC) return 1;
  let n = 0;
  let mul = 1;
  for (let at = 3; at < value.length && at < 11; at++) {
    const b = value[at]!;
    n += (b & 0x7f) * mul;
    if (b < 0x80) return n;
    mul *= 0x80;
  }
  return 1;
}

export type BatchResult = { ok: true } | { ok: false; message: string };
const OK: BatchResult = Object.freeze({ ok: true });

/**
 * Decodes one HWB1 value and appends its events to `out`. All or nothing: on a malformed
 * value `out` is left as it was. Never throws.
 *
 * Written for speed (the detector decodes every event it counts): one cursor at module
 * level instead of closures per call, named property stores in a fixed order (events of
 * one shape share a hidden class), short ASCII strings built without a Buffer call.
 */
export function decodeEventBatch(buf: Buffer, out: HerdEvent[]): BatchResult {
  const start = out.length;
  B = buf;
  at = 0;
  end = buf.length;
  try {
    readBatch(out);
    return OK;
  } catch (err) {
    out.length = start;
    return { ok: false, message: (err as Error).message };
  } finally {
    B = EMPTY;
    table = NO_STRINGS;
  }
}

const EMPTY = Buffer.alloc(0);
let B: Buffer = EMPTY;
let at = 0;
let end = 0;
const NO_STRINGS: string[] = [];
let table: string[] = NO_STRINGS;

function truncated(): never {
  throw new Error('binary event batch is truncated');
}

function uvar(): number {
  if (at >= end) truncated();
  const b = B[at++]!;
  if (b < 0x80) return b;
  let v = b & 0x7f;
  let mul = 0x80;
  for (;;) {
    if (at >= end) truncated();
    const c = B[at++]!;
    v += (c & 0x7f) * mul;
    if (c < 0x80) return v;
    mul *= 0x80;
    if (mul > 2 ** 56) throw new Error('varint is too long');
  }
}

function zvar(): number {
  const u = uvar();
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

function f64(): number {
  if (at + 8 > end) truncated();
  const v = B.readDoubleLE(at);
  at += 8;
  return v;
}

function str(): string {
  const i = uvar();
  if (i >= table.length) throw new Error('string index out of range');
  return table[i]!;
}

/** UTF-8 bytes [from, to) as a string; short ASCII (ids, SKUs, categories) without a Buffer call. */
function text(from: number, to: number): string {
  const n = to - from;
  if (n <= 16) {
    let ascii = true;
    for (let i = from; i < to; i++) {
      if (B[i]! > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      let s = '';
      for (let i = from; i < to; i++) s += String.fromCharCode(B[i]!);
      return s;
    }
  }
  return B.toString('utf8', from, to);
}

function readBatch(out: HerdEvent[]): void {
  if (end < 3) truncated();
  if (B[0] !== BATCH_MAGIC) throw new Error('not a binary event batch');
  if (B[1] !== BATCH_VERSION) throw new Error(`binary event batch version ${B[1]} is not supported (this build reads ${BATCH_VERSION})`);
  const f64Times = (B[2]! & F64_TIMES) !== 0;
  at = 3;
  const n = uvar();
  const base = f64();
  const k = uvar();
  // Each row takes at least 4 bytes, each string 1: a corrupt count cannot allocate much.
  if (n * 4 > end || k > end) truncated();
  table = new Array<string>(k);
  for (let i = 0; i < k; i++) {
    const len = uvar();
    if (at + len > end) truncated();
    table[i] = text(at, at + len);
    at += len;
  }
  for (let r = 0; r < n; r++) {
    if (at + 3 > end) truncated();
    const presence = B[at]! | (B[at + 1]! << 8);
    const type = EVENT_TYPES[B[at + 2]!] as EventType | undefined;
    at += 3;
    if (type === undefined) throw new Error('unknown event type');
    const ts = f64Times ? f64() : base + zvar();
    if (!(ts >= 0) || ts === Infinity) throw new Error('ts is not epoch milliseconds');
    if ((presence & 1) === 0) throw new Error('event has no id');
    const e: HerdEvent = { id: str(), type, ts };
    if (presence & 0x002) e.productId = str();
    if (presence & 0x004) e.userId = str();
    if (presence & 0x008) e.sessionId = str();
    if (presence & 0x010) e.category = str();
    if (presence & 0x020) e.region = str();
    if (presence & 0x040) e.location = str();
    if (presence & 0x080) e.paymentMethod = str();
    if (presence & 0x100) e.currency = str();
    if (presence & PRICE) e.price = f64();
    if (presence & QUANTITY) e.quantity = f64();
    if (presence & AMOUNT) e.amount = f64();
    if (presence & COUNT) {
      const c = f64();
      if (!validCount(c)) throw new Error(`count is not ${COUNT_BOUNDS}`);
      e.count = c;
    }
    if (presence & RECEIVED) e.receivedAt = f64Times ? f64() : base + zvar();
    if (presence & TIER) {
      if (at >= end) truncated();
      const t = TIERS[B[at++]!];
      if (t === undefined) throw new Error('unknown value tier');
      e.valueTier = t;
    }
    if (presence & ATTRS) e.attrs = readAttrs();
    out.push(e);
  }
  if (at !== end) throw new Error('trailing bytes after the last event');
}

function readAttrs(): Record<string, string | number | boolean> {
  const m = uvar();
  const attrs: Record<string, string | number | boolean> = {};
  for (let j = 0; j < m; j++) {
    const key = str();
    if (at >= end) truncated();
    const tag = B[at++]!;
    const v = tag === 0 ? str() : tag === 1 ? f64() : tag === 2 ? true : tag === 3 ? false : badTag();
    // An own property, as JSON.parse makes it: `__proto__` must not become the prototype.
    if (key === '__proto__') Object.defineProperty(attrs, key, { value: v, enumerable: true, writable: true, configurable: true });
    else attrs[key] = v;
  }
  return attrs;
}

function badTag(): never {
  throw new Error('unknown attribute value tag');
}

/**
 * The schema's bounds for `count` (read from it, so the API and the detector never disagree:
 * a count the API accepted and the decoder refused would throw away a whole packed record).
 * One event never stands for more than a billion; 0 is an observed empty interval.
 */
const COUNT_MIN = EventSchema.properties.count.minimum ?? 0;
const COUNT_MAX = EventSchema.properties.count.maximum ?? 1_000_000_000;
export const COUNT_BOUNDS = `an integer from ${COUNT_MIN} to ${COUNT_MAX.toLocaleString('en-US')}`;
export function validCount(c: unknown): boolean {
  return typeof c === 'number' && Number.isInteger(c) && c >= COUNT_MIN && c <= COUNT_MAX;
}
