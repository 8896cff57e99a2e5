import type { DecoyWindow, Seasonality, SiteWideDecoy } from './types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The day curve: 1 + A·cos(2π(h − peak)/24); averages to 1 over a day. */
export function seasonFactor(s: Seasonality | false, t: number): number {
  if (s === false) return 1;
  const hour = (((t % DAY) + DAY) % DAY) / HOUR;
  return 1 + s.amplitude * Math.cos((2 * Math.PI * (hour - s.peakHourUtc)) / 24);
}

const WEEK_START_MONDAY = 4 * DAY; // 1970-01-01 was a Thursday
/** Saturday and Sunday (UTC) × weekendFactor. */
export function weekFactor(weekendFactor: number, t: number): number {
  if (weekendFactor === 1) return 1;
  const day = Math.floor((((t - WEEK_START_MONDAY) % (7 * DAY)) + 7 * DAY) % (7 * DAY) / DAY);
  return day >= 5 ? weekendFactor : 1;
}

export function decoyFactor(decoys: readonly SiteWideDecoy[], t: number): number {
  let f = 1;
  for (const d of decoys) if (t >= d.start && t < d.start + d.durationMs) f *= d.multiplier;
  return f;
}

/**
 * Decoy windows within [from, until). The daily-peak window is the steep part of the
 * rise (from six hours before the peak) until an hour after it: where a lagging
 * baseline would see everything "surge" if the detector were naive.
 */
export function decoyWindows(s: Seasonality | false, decoys: readonly SiteWideDecoy[], from: number, until: number): DecoyWindow[] {
  const out: DecoyWindow[] = [];
  if (s !== false && s.amplitude > 0) {
    const firstDay = Math.floor(from / DAY) - 1;
    for (let day = firstDay; day * DAY < until; day++) {
      const peak = day * DAY + s.peakHourUtc * HOUR;
      const start = Math.max(from, peak - 6 * HOUR);
      const end = Math.min(until, peak + HOUR);
      if (end > start) out.push({ kind: 'daily_peak', start, end, multiplier: 1 + s.amplitude });
    }
  }
  for (const d of decoys) {
    if (d.start < until && d.start + d.durationMs > from) {
      out.push({ kind: d.kind, start: d.start, end: d.start + d.durationMs, multiplier: d.multiplier });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
