import { keepAliveAgents, post } from '../http.js';
import { factsOf } from '../render/facts.js';
import type { AlertRecord, AlertTransition } from '../../store/notify/types.js';
import type { Channel, SendRequest, SendResult } from './types.js';

/**
 * Prometheus Alertmanager, `POST /api/v2/alerts`. An alert is its label set, so a repeated
 * post is the same alert (Alertmanager dedupes by labels). While firing, `endsAt` lies a few
 * re-post intervals ahead and the notifier re-posts, so Alertmanager's resolve timeout never
 * closes a live alert; a resolve posts `endsAt` = the resolve time.
 */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL: string;
}

export function amLabels(t: Pick<AlertTransition, 'rule' | 'key' | 'severity' | 'detector'>): Record<string, string> {
  const slash = t.rule.indexOf('/');
  return {
    alertname: `HerdWatch${t.detector.charAt(0).toUpperCase()}${t.detector.slice(1)}`,
    namespace: slash > 0 ? t.rule.slice(0, slash) : 'default',
    rule: slash > 0 ? t.rule.slice(slash + 1) : t.rule,
    key: t.key,
    severity: t.severity,
  };
}

export function amAlert(alert: AlertRecord, t: AlertTransition, uiUrl: string, now: number, firingTtlMs: number): AmAlert {
  const f = factsOf(alert, t, uiUrl);
  const startsAt = new Date(t.onset).toISOString();
  // Alertmanager compares endsAt with its own clock: firing alerts end in the future, resolved ones now.
  const endsAt = new Date(t.state === 'resolved' ? Math.max(now, t.onset + 1) : now + firingTtlMs).toISOString();
  return {
    labels: amLabels(t),
    annotations: { summary: `${f.subject}: ${f.size}`, description: `${f.reason}. Since ${f.since} (for ${f.duration})${f.people ? `, ${f.people}` : ''}.`, url: f.url, alert_id: t.id },
    startsAt, endsAt, generatorURL: f.url,
  };
}

export class AlertmanagerChannel implements Channel {
  private readonly agents = keepAliveAgents();

  constructor(private readonly o: { url: string; uiUrl: string; timeoutMs: number; firingTtlMs: number; clock?: () => number }) {}

  async send(req: SendRequest): Promise<SendResult> {
    const now = (this.o.clock ?? Date.now)();
    const alerts = req.digest
      ? req.digest.filter((d) => d.alert).map((d) => amAlert(d.alert!, d.alert!.transitions.find((x) => x.state === d.delivery.state) ?? d.alert!.transitions[0]!, this.o.uiUrl, now, this.o.firingTtlMs))
      : [amAlert(req.alert, req.transition, this.o.uiUrl, now, this.o.firingTtlMs)];
    await this.postAlerts(alerts, req.signal);
    return {};
  }

  postAlerts(alerts: readonly AmAlert[], signal?: AbortSignal): Promise<unknown> {
    return post(`${this.o.url.replace(/\/+$/, '')}/api/v2/alerts`, JSON.stringify(alerts), { timeoutMs: this.o.timeoutMs, agents: this.agents, ...(signal ? { signal } : {}) });
  }
}
