import type { Transition } from '../engine/types.js';

const num = (n: number): string =>
  !Number.isFinite(n) ? String(n) : Math.abs(n) >= 100 || Number.isInteger(n) ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);

const exact = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 6 }) : String(n));

const time = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : '-');

/**
 * One readable line per transition, for the terminal:
 * `FIRING   shop/sneaker-surge  productId=P42  lift 5.3x  (312 vs 59 expected)  since 2026-01-01T10:42:10Z  — reason`
 */
export function formatTransition(t: Transition, keyName = 'key'): string {
  const state = t.state === 'firing' ? 'FIRING  ' : t.state === 'escalated' ? 'ESCALATE' : 'resolved';
  let numbers: string;
  switch (t.detector) {
    case 'surge':
      numbers = `lift ${t.lift.toFixed(1)}x  (${num(t.value)} vs ${num(t.baseline)} expected)`;
      break;
    case 'velocity':
      numbers = `${num(t.value)} events in window (limit ${num(t.baseline)})`;
      break;
    case 'threshold':
      // Exact: a limit and the amount that broke it must not round to the same number.
      numbers = `value ${exact(t.value)} above ${exact(t.baseline)}`;
      break;
    default:
      numbers = '';
  }
  const events = t.eventIds && t.eventIds.length > 0 ? `  events ${t.eventIds.join(',')}` : '';
  return [`${state} ${t.severity.padEnd(8)} ${t.rule}`, `${keyName}=${t.key}`, numbers, `since ${time(t.onset)}`, `— ${t.reason}${events}`]
    .filter(Boolean)
    .join('  ');
}
