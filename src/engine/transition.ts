import type { CompiledRule, Transition } from './types.js';

/** What a detector decides; the rule supplies the rest of a Transition. */
export type TransitionFields = Pick<Transition,
  'state' | 'key' | 'onset' | 'at' | 'value' | 'baseline' | 'lift' | 'score' | 'reason' | 'eventIds'
  | 'actors' | 'pagedLift' | 'escalation' | 'counted'>;

/** Ids are `<rule uid>:<key>:<onset bucket start ms>`, shared by a firing and its resolved. */
export function transitionId(rule: CompiledRule, key: string, onset: number): string {
  return `${rule.uid}:${key}:${onset}`;
}

export function makeTransition(rule: CompiledRule, f: TransitionFields): Transition {
  const t: Transition = {
    id: transitionId(rule, f.key, f.onset),
    state: f.state,
    ruleUid: rule.uid,
    rule: `${rule.namespace}/${rule.name}`,
    detector: rule.detector.type,
    severity: rule.severity,
    key: f.key,
    onset: f.onset,
    at: f.at,
    value: f.value,
    baseline: f.baseline,
    lift: f.lift,
    score: f.score,
    reason: f.reason,
  };
  const extra: { -readonly [K in 'eventIds' | 'actors' | 'pagedLift' | 'escalation' | 'counted']?: Transition[K] } = {};
  if (f.eventIds !== undefined) extra.eventIds = f.eventIds;
  if (f.actors !== undefined) extra.actors = f.actors;
  if (f.pagedLift !== undefined) extra.pagedLift = f.pagedLift;
  if (f.escalation !== undefined) extra.escalation = f.escalation;
  if (f.counted !== undefined) extra.counted = f.counted;
  return Object.keys(extra).length === 0 ? t : { ...t, ...extra };
}

/** Rounds for people: 3 significant digits, no trailing zeros. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(3)));
}

/**
 * Amounts and limits as given, grouped: 123,456.78 and 50,001, never 123000 or "50000 is
 * above 50000". For values a person compares with a limit, where 3 digits would mislead.
 */
export function fmtExact(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x.toLocaleString('en-US', { maximumFractionDigits: 6 });
}
