import { surgeScore } from '../engine/baseline.js';
import type { CompiledRule } from '../engine/types.js';

/** The engine's normal range and firing level for one closed bucket of a surge key (the drill-down draws them). */
export interface ExpectedBand {
  readonly t: number;
  /** Expected weighted count in the window (the baseline, × the site factor). */
  readonly baseline: number;
  /** Expected ± one unit of noise on the scale the surge score uses (variance-stabilised, φ-scaled). */
  readonly low: number;
  readonly high: number;
  /** The window count at which the whole-window test fires: minEvents, minLift × expected and the sensitivity all met. */
  readonly threshold: number;
  /** Overdispersion the engine judged the key with (1 = Poisson). */
  readonly dispersion: number;
}

const MAX_PHI = 50;

/**
 * φ the engine used, recovered from a trending entry: its score is
 * surgeScore(value, baseline, φ), which falls as φ grows when value > baseline.
 */
export function dispersionFrom(value: number, baseline: number, score: number): number {
  if (!(value > baseline) || !(score > 0)) return 1;
  if (surgeScore(value, baseline, 1) <= score) return 1;
  if (surgeScore(value, baseline, MAX_PHI) >= score) return MAX_PHI;
  let lo = 1;
  let hi = MAX_PHI;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (surgeScore(value, baseline, mid) > score) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The count whose score against `expected` is `sigmas` (negative below): the inverse of surgeScore. */
export function countAt(expected: number, phi: number, sigmas: number): number {
  const root = Math.sqrt(expected / phi + 0.375) + sigmas / 2;
  if (root <= Math.sqrt(0.375)) return 0;
  return Math.max(0, phi * (root * root - 0.375));
}

/** The band and threshold behind one trending sample of a surge rule. */
export function bandOf(rule: CompiledRule, s: { t: number; value: number; baseline: number; score: number }): ExpectedBand {
  const d = rule.detector;
  const phi = dispersionFrom(s.value, s.baseline, s.score);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    t: s.t, baseline: round(s.baseline), dispersion: round(phi),
    low: round(countAt(s.baseline, phi, -1)), high: round(countAt(s.baseline, phi, 1)),
    threshold: round(Math.max(d.minEvents, d.minLift * s.baseline, countAt(s.baseline, phi, d.sensitivity))),
  };
}
