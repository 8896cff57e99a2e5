import type { Log } from './log.js';
import type { NotifierMetrics } from './metrics.js';
import { planDeliveries } from './plan.js';
import type { RuleDirectory } from './routing.js';
import type { AlertTransition, NotifierStore } from '../store/notify/types.js';

const STATES = new Set(['firing', 'escalated', 'resolved']);

/** Decodes a transition from the alerts topic; `undefined` for anything malformed (never throws). */
export function decodeAlert(value: Buffer | null | undefined): AlertTransition | undefined {
  if (!value || value.length === 0) return undefined;
  try {
    const t = JSON.parse(value.toString('utf8')) as AlertTransition;
    const ok = typeof t.id === 'string' && STATES.has(t.state) && typeof t.rule === 'string' && typeof t.ruleUid === 'string'
      && typeof t.key === 'string' && typeof t.onset === 'number' && typeof t.at === 'number';
    return ok ? t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stores each transition in its alert's history and writes one outbox row per channel.
 * Both writes are idempotent, so the at-least-once input (a re-read after a crash, a
 * detector's replay) adds nothing twice. Resolves only when both are stored: the Kafka
 * consumer commits after that, which is what makes the notifier lose nothing.
 */
export class Intake {
  constructor(private readonly o: { store: NotifierStore; routes: RuleDirectory; metrics: NotifierMetrics; clock: () => number; log: Log; onEnqueued?: () => void; onTransition?: (t: AlertTransition) => void }) {}

  async accept(transitions: readonly AlertTransition[]): Promise<void> {
    let added = 0;
    for (const t of transitions) {
      const now = this.o.clock();
      await this.o.store.recordTransition(t, now);
      const route = this.o.routes.lookup(t.ruleUid, t.rule);
      if (!route) this.o.log('warn', 'no rule for this alert; stored without deliveries', { alert: t.id, rule: t.rule });
      added += await this.o.store.enqueue(planDeliveries(t, route, now));
      this.o.metrics.transitions.inc({ state: t.state });
      this.o.onTransition?.(t);
    }
    if (added > 0) this.o.onEnqueued?.();
  }
}
