import { HwError } from '../errors.js';
import { accept } from './accept.js';
import { CsvSyntaxError, readCsvRecords } from './csv.js';
import { MAX_EVENT_TIME, MIN_EVENT_TIME } from './normalize.js';
import type { HerdEvent } from './schema.js';
import type { ParseResult, RejectedEvent } from './types.js';

/**
 * The shops' transaction export: transaction_id,user_id,amount,payment_method,location,timestamp
 * with `dd-mm-yyyy HH:MM` local times and no product column. Each row is one `purchase`.
 */
export const TRANSACTION_COLUMNS = ['transaction_id', 'user_id', 'amount', 'payment_method', 'location', 'timestamp'] as const;
type Column = (typeof TRANSACTION_COLUMNS)[number];

export interface TransactionsCsvOptions {
  /** Offset of the export's local time from UTC: minutes, or "+05:30" / "-0300" / "Z". Default UTC. */
  readonly utcOffset?: number | string;
  /** File name used in error messages. */
  readonly source?: string;
}

const FIELD_OF: Record<string, Column> = {
  '/id': 'transaction_id', '/userId': 'user_id', '/amount': 'amount', '/paymentMethod': 'payment_method', '/location': 'location', '/ts': 'timestamp',
};

/** Minutes east of UTC. */
export function parseUtcOffset(offset: number | string | undefined): number {
  if (offset === undefined) return 0;
  if (typeof offset === 'number' && Number.isInteger(offset) && Math.abs(offset) <= 14 * 60) return offset;
  const m = typeof offset === 'string' ? /^(?:Z|UTC|([+-])(\d{2}):?(\d{2}))$/i.exec(offset.trim()) : null;
  if (m === null || (m[1] !== undefined && (Number(m[2]) > 14 || Number(m[3]) > 59))) {
    throw new HwError('HW_ERR_CONFIG', { field: 'utcOffset', expected: 'a UTC offset like +05:30, -0300 or Z (or minutes east of UTC)', message: `UTC offset ${JSON.stringify(offset)} is invalid` });
  }
  if (m[1] === undefined) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

const STAMP = /^(\d{1,2})-(\d{1,2})-(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/** `dd-mm-yyyy HH:MM[:SS]` in a local time `offsetMin` east of UTC → epoch ms, or undefined. */
export function parseExportTime(text: string, offsetMin: number): number | undefined {
  const m = STAMP.exec(text.trim());
  if (!m) return undefined;
  const [d, mo, y, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(local);
  // Date.UTC rolls 31-02 over into March; a round trip catches impossible dates.
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = local - offsetMin * 60_000;
  return ms >= MIN_EVENT_TIME && ms < MAX_EVENT_TIME ? ms : undefined;
}

export function readTransactionsCsv(text: string, opts: TransactionsCsvOptions = {}): ParseResult {
  const offset = parseUtcOffset(opts.utcOffset);
  const where = opts.source === undefined ? '' : `${opts.source}: `;
  let records;
  try {
    records = readCsvRecords(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new HwError('HW_ERR_CSV_ROW', { source: opts.source, message: err.message, expected: 'a closing " for every opening one' });
    throw err;
  }
  const header = records.shift();
  const names = (header?.fields ?? []).map((h) => h.trim().toLowerCase());
  const missing = TRANSACTION_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new HwError('HW_ERR_CSV_HEADER', {
      source: opts.source, field: missing.join(', '),
      expected: `a header line with columns ${TRANSACTION_COLUMNS.join(',')}`,
      message: `CSV header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${names.join(',') || 'nothing'})`,
    });
  }
  const col = Object.fromEntries(TRANSACTION_COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<Column, number>;
  const extras = names.map((n, i) => [n, i] as const).filter(([n]) => n !== '' && !(TRANSACTION_COLUMNS as readonly string[]).includes(n)).slice(0, 32);

  const events: HerdEvent[] = [];
  const rejected: RejectedEvent[] = [];
  records.forEach((rec, index) => {
    const reject = (column: string, message: string) =>
      rejected.push({ index, line: rec.line, code: 'HW_ERR_CSV_ROW', field: column, message: `${where}line ${rec.line}, column ${column}: ${message}` });
    if (rec.fields.length !== names.length) {
      reject('*', `expected ${names.length} fields, got ${rec.fields.length}`);
      return;
    }
    const get = (c: Column) => rec.fields[col[c]]!.trim();
    const problems: [Column, string][] = [];
    for (const c of ['transaction_id', 'user_id', 'amount', 'timestamp'] as const) {
      if (get(c) === '') problems.push([c, 'is empty; expected a value']);
    }
    const amountText = get('amount');
    const amount = /^\d+(\.\d+)?$/.test(amountText) ? Number(amountText) : undefined;
    if (amountText !== '' && amount === undefined) problems.push(['amount', `expected a number ≥ 0 like 4500 or 99.50, got ${JSON.stringify(amountText)}`]);
    const stamp = get('timestamp');
    const ts = parseExportTime(stamp, offset);
    if (stamp !== '' && ts === undefined) problems.push(['timestamp', `expected a date-time like 30-09-2025 10:05 (dd-mm-yyyy HH:MM) between 2000 and 2100, got ${JSON.stringify(stamp)}`]);
    if (problems.length > 0) {
      for (const [c, m] of problems) reject(c, m);
      return;
    }
    const attrs = Object.fromEntries(extras.map(([n, i]) => [n, rec.fields[i]!.trim()]).filter(([, v]) => v !== ''));
    const wire = {
      id: get('transaction_id'), type: 'purchase', ts, userId: get('user_id'), amount,
      ...(get('payment_method') === '' ? {} : { paymentMethod: get('payment_method') }),
      ...(get('location') === '' ? {} : { location: get('location') }),
      ...(Object.keys(attrs).length > 0 ? { attrs } : {}),
    };
    const result = accept(wire, index);
    if (!Array.isArray(result)) events.push(result);
    else for (const r of result) reject(FIELD_OF[r.field ?? ''] ?? (r.field ?? '*'), r.message);
  });
  return { events, rejected };
}
