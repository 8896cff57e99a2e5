import { HwError } from '../errors.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The pattern the CRD and the API use for durations: one or more `<int><unit>` parts. */
export const DURATION_PATTERN = '^([0-9]+(ms|s|m|h|d))+$';
const PART = /([0-9]+)(ms|s|m|h|d)/g;
const WHOLE = new RegExp(DURATION_PATTERN);

/** Parses `10s`, `5m`, `1h30m`, `6h`, `7d` into milliseconds. */
export function parseDuration(text: string, field = 'duration'): number {
  if (typeof text !== 'string' || !WHOLE.test(text)) {
    throw new HwError('HW_ERR_DURATION', { field, expected: 'a duration like 10s, 5m, 6h or 1h30m', message: `"${String(text)}" is not a duration` });
  }
  let ms = 0;
  for (const m of text.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms <= 0) throw new HwError('HW_ERR_DURATION', { field, expected: 'a positive duration', message: `"${text}" is zero` });
  return ms;
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
