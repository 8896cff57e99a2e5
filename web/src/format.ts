/**
 * Every number, amount and time the app shows is formatted here, in the viewer's locale
 * and time zone, so the views never call toLocaleString themselves.
 */
const locale = typeof navigator === 'undefined' ? undefined : navigator.language;

const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
const moneyCache = new Map<string, Intl.NumberFormat>();
const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
const timeSec = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });

export function formatCount(n: number): string {
  return Math.abs(n) >= 100_000 ? compact.format(n) : integer.format(n);
}

/** The engine counts distinct people exactly up to this many (src/engine/actors.ts ACTOR_CAP); more reads "16+". */
export const PEOPLE_CAP = 16;

export function formatPeople(n: number): string {
  return n >= PEOPLE_CAP ? `${formatCount(PEOPLE_CAP)}+` : formatCount(n);
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? integer.format(n) : decimal.format(n);
}

/** "×4.2" — how many times the usual level. */
export function formatLift(lift: number): string {
  if (!Number.isFinite(lift)) return '×∞';
  return `×${decimal.format(lift)}`;
}

export function formatShare(fraction: number): string {
  return percent.format(fraction);
}

/** An amount with its currency when one is known; a plain number otherwise. */
export function formatMoney(amount: number, currency?: string): string {
  if (!currency) return decimal.format(Math.round(amount * 100) / 100);
  let f = moneyCache.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 2 });
    moneyCache.set(currency, f);
  }
  return f.format(amount);
}

export function formatTime(ms: number, withSeconds = false): string {
  return (withSeconds ? timeSec : time).format(ms);
}

export function formatDateTime(ms: number): string {
  return dateTime.format(ms);
}

/** "3 minutes ago", relative to `now` (both ms). */
export function formatSince(ms: number, now: number = Date.now()): string {
  const s = Math.round((ms - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 60) return relative.format(s, 'second');
  if (abs < 3600) return relative.format(Math.round(s / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(s / 3600), 'hour');
  return relative.format(Math.round(s / 86_400), 'day');
}

/** Durations like 5m, 90s, 2h for bucket and window sizes. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${decimal.format(ms / 1000)}s`;
}
