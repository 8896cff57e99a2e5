import { fmt } from '../../engine/transition.js';
import type { AlertRecord, AlertTransition } from '../../store/notify/types.js';

/**
 * What every message says, computed once so Slack, e-mail, Alertmanager and webhooks agree:
 * which product, how big, since when and for how long, how many people, rule and severity,
 * and where to look.
 */
export interface AlertFacts {
  readonly id: string;
  readonly state: AlertTransition['state'];
  readonly title: string;
  /** `P3`, or `Air Max 90 (P3) · sneakers` when the event carried a name and category. */
  readonly subject: string;
  readonly key: string;
  readonly keyLabel: string;
  /** `6.2× usual (62 vs 10 expected)` for surges; the detector's own words otherwise. */
  readonly size: string;
  /** Absolute onset in UTC and "for 12 min". */
  readonly since: string;
  readonly duration: string;
  readonly people?: string;
  readonly rule: string;
  readonly severity: string;
  readonly reason: string;
  readonly url: string;
  readonly emoji: string;
}

export function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function humanDuration(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function sizeOf(t: AlertTransition): string {
  switch (t.detector) {
    case 'surge': return `${fmt(t.lift)}× usual (${fmt(t.value)} vs ${fmt(t.baseline)} expected)`;
    case 'velocity': return `${fmt(t.value)} events in the window (limit ${fmt(t.baseline)})`;
    case 'threshold': return `${fmt(t.value)} (above ${fmt(t.baseline)})`;
    default: return t.reason;
  }
}

export function alertUrl(uiUrl: string, id: string): string {
  return `${uiUrl.replace(/\/+$/, '')}/alerts/${encodeURIComponent(id)}`;
}

export function factsOf(alert: AlertRecord, t: AlertTransition, uiUrl: string): AlertFacts {
  const firing = alert.transitions.find((x) => x.state === 'firing') ?? t;
  const named = t.name ?? firing.name;
  const category = t.category ?? firing.category;
  const subject = `${named ? `${named} (${t.key})` : t.key}${category ? ` · ${category}` : ''}`;
  const detector = t.detector.charAt(0).toUpperCase() + t.detector.slice(1);
  const verb = t.state === 'resolved' ? 'Resolved' : t.state === 'escalated' ? 'Escalated' : 'Firing';
  const actors = t.actors ?? firing.actors;
  return {
    id: t.id,
    state: t.state,
    title: `${verb}: ${detector} on ${subject}`,
    subject,
    key: t.key,
    // Surge rules watch products; the transition does not carry the rule's key field.
    keyLabel: alert.detector === 'surge' ? 'Product' : 'Key',
    size: sizeOf(t.state === 'resolved' ? peak(alert) : t),
    since: utc(t.onset),
    duration: humanDuration(t.at - t.onset),
    ...(actors !== undefined ? { people: `${actors} distinct ${actors === 1 ? 'person' : 'people'}` } : {}),
    rule: t.rule,
    severity: t.severity,
    reason: t.reason,
    url: alertUrl(uiUrl, t.id),
    emoji: t.state === 'resolved' ? ':white_check_mark:' : t.severity === 'critical' ? ':rotating_light:' : t.state === 'escalated' ? ':arrow_double_up:' : ':chart_with_upwards_trend:',
  };
}

/** The biggest moment of an alert (what a resolve message recalls). */
function peak(alert: AlertRecord): AlertTransition {
  const live = alert.transitions.filter((x) => x.state !== 'resolved');
  return live.reduce((a, b) => (b.lift > a.lift ? b : a), live[0] ?? alert.transitions[0]!);
}
