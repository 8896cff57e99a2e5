import { targetsOf, type RuleRoute } from './routing.js';
import type { AlertTransition, Delivery } from '../store/notify/types.js';

/** The transition part of a delivery id: one firing and one resolve per alert, any number of escalations. */
export function transitionLabel(t: Pick<AlertTransition, 'state' | 'at' | 'escalation'>): string {
  return t.state === 'escalated' ? `escalated@${t.escalation ?? t.at}` : t.state;
}

export function deliveryId(alertId: string, transition: string, target: string): string {
  return `${alertId}|${transition}|${target}`;
}

/**
 * The outbox rows for one transition: one per channel of its rule. A resolve or escalation
 * waits for the firing delivery of the same target (Slack threads under it, e-mail replies to it).
 */
export function planDeliveries(t: AlertTransition, route: RuleRoute | undefined, now: number): Delivery[] {
  if (!route) return [];
  const label = transitionLabel(t);
  return targetsOf(route).map((tg) => ({
    id: deliveryId(t.id, label, tg.target),
    alertId: t.id, transition: label, state: t.state, channel: tg.kind, target: tg.target,
    rule: t.rule, ruleUid: t.ruleUid, key: t.key, status: 'pending', attempts: 0, nextAt: now, createdAt: now,
    ...(t.state !== 'firing' ? { after: deliveryId(t.id, 'firing', tg.target) } : {}),
  }));
}
