import type { FieldIssue } from './describe.js';

/** Event times outside this range are almost always a unit mistake (seconds, µs) or a typo. */
export const MIN_EVENT_TIME = Date.UTC(2000, 0, 1);
export const MAX_EVENT_TIME = Date.UTC(2100, 0, 1);

export const TIME_SHAPES = 'epoch milliseconds (a number or a string of digits), ISO-8601 (2019-10-01T00:00:00Z), '
  + '"2019-10-01 00:00:00 UTC", "2019-10-01 00:00:00" or "01-10-2019 00:00" (dd-mm-yyyy HH:MM); times without a zone are UTC unless an offset is given (--utc-offset)';

// yyyy-mm-dd[( |T)HH:MM[:SS[.fff]]][ ](Z|UTC|GMT|±HH[:]MM)
const YMD = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
// dd-mm-yyyy HH:MM[:SS], the shops' export (also with / or . between the date parts)
const DMY = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const EPOCH_MS = /^\d{12,14}$/;

function zoneMinutes(zone: string | undefined, fallback: number): number | undefined {
  if (zone === undefined) return fallback;
  if (/^(Z|UTC|GMT)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m || Number(m[2]) > 14 || Number(m[3] ?? 0) > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** Calendar fields in a zone → epoch ms, or undefined for an impossible date (2026-02-30, 25:00). */
function civil(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offsetMin: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC rolls 30-02 over into March; the round trip catches it.
  if (new Date(local).getUTCDate() !== d) return undefined;
  return local - offsetMin * 60_000;
}

/**
 * A timestamp in one of the common shapes (TIME_SHAPES) → epoch ms, or undefined. Local times
 * without a zone are `offsetMin` minutes east of UTC.
 */
export function parseTimestamp(text: string, offsetMin = 0): number | undefined {
  const t = text.trim();
  if (EPOCH_MS.test(t)) return Number(t);
  let m = YMD.exec(t);
  if (m) {
    const off = zoneMinutes(m[8], offsetMin);
    if (off === undefined) return undefined;
    const frac = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
    return civil(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), frac, off);
  }
  m = DMY.exec(t);
  if (m) return civil(Number(m[3]), Number(m[2]), Number(m[1]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), 0, offsetMin);
  return undefined;
}

/** Epoch ms of an event time, or a reason why it is not one. */
export function eventTime(ts: string | number, offsetMin = 0): number | FieldIssue {
  const ms = typeof ts === 'number' ? ts : parseTimestamp(ts, offsetMin);
  const expected = `an event time between 2000-01-01 and 2100-01-01: ${TIME_SHAPES}`;
  if (ms === undefined || !Number.isFinite(ms)) {
    return { field: '/ts', expected, message: `expected an event time (${TIME_SHAPES}), got ${JSON.stringify(ts)}` };
  }
  if (ms < MIN_EVENT_TIME || ms >= MAX_EVENT_TIME) {
    const hint = ms < MIN_EVENT_TIME && ms * 1000 >= MIN_EVENT_TIME ? ' (this looks like seconds; send milliseconds)' : '';
    return { field: '/ts', expected, message: `expected an event time between 2000-01-01 and 2100-01-01, got ${JSON.stringify(ts)}${hint}` };
  }
  return ms;
}
