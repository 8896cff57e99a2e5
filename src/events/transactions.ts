import { HwError } from '../errors.js';
import { readCsvEvents } from './csv-events.js';
import { CSV_PRESETS } from './csv-mapping.js';
import { MAX_EVENT_TIME, MIN_EVENT_TIME, parseTimestamp } from './time.js';
import type { ParseResult } from './types.js';

/**
 * The shops' transaction export: transaction_id,user_id,amount,payment_method,location,timestamp
 * with `dd-mm-yyyy HH:MM` local times and no product column. Each row is one `purchase`.
 */
export const TRANSACTION_COLUMNS = ['transaction_id', 'user_id', 'amount', 'payment_method', 'location', 'timestamp'] as const;

export interface TransactionsCsvOptions {
  /** Offset of the export's local time from UTC: minutes, or "+05:30" / "-0300" / "Z". Default UTC. */
  readonly utcOffset?: number | string;
  /** File name used in error messages. */
  readonly source?: string;
}

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

/** `dd-mm-yyyy HH:MM[:SS]` in a local time `offsetMin` east of UTC → epoch ms, or undefined. */
export function parseExportTime(text: string, offsetMin: number): number | undefined {
  if (!/^\d{1,2}-\d{1,2}-\d{4} \d{1,2}:\d{2}(:\d{2})?$/.test(text.trim())) return undefined;
  const ms = parseTimestamp(text, offsetMin);
  return ms !== undefined && ms >= MIN_EVENT_TIME && ms < MAX_EVENT_TIME ? ms : undefined;
}

/** The transactions export (CSV_PRESETS.transactions): each row one `purchase`. */
export function readTransactionsCsv(text: string, opts: TransactionsCsvOptions = {}): ParseResult {
  return readCsvEvents(text, { mapping: CSV_PRESETS.transactions, utcOffsetMin: parseUtcOffset(opts.utcOffset), source: opts.source });
}
