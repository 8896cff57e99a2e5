import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { HwError } from '../../errors.js';
import { keepAliveAgents, post } from '../http.js';
import { factsOf } from '../render/facts.js';
import type { AddressGuard } from '../ssrf.js';
import type { Channel, SendRequest, SendResult } from './types.js';

/**
 * Signed webhooks as the Standard Webhooks spec says: `webhook-id` (stable per delivery, so
 * the receiver can drop a repeat), `webhook-timestamp` (seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret while keys rotate).
 */

export function webhookId(deliveryId: string): string {
  return `msg_${createHash('sha256').update(deliveryId).digest('base64url').slice(0, 27)}`;
}

/** Signing secrets: `whsec_...`, several separated by spaces or commas (newest first) during a rotation. */
export function signers(secretValue: string): Webhook[] {
  const list = secretValue.split(/[\s,]+/).filter(Boolean);
  if (list.length === 0 || list.some((s) => !s.startsWith('whsec_'))) {
    throw new HwError('HW_ERR_CHANNEL_CONFIG', { field: 'signingSecretRef', expected: 'one or more whsec_<base64> secrets', message: 'webhook signing secret is not a whsec_ secret' });
  }
  return list.map((s) => new Webhook(s));
}

export function signatureHeaders(id: string, at: Date, body: string, keys: readonly Webhook[]): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': keys.map((k) => k.sign(id, at, body)).join(' '),
  };
}

export interface WebhookPayload {
  readonly type: string;
  readonly timestamp: string;
  readonly data: Record<string, unknown>;
}

export function webhookPayload(req: Pick<SendRequest, 'alert' | 'transition' | 'delivery' | 'digest'>, uiUrl: string, now: Date): WebhookPayload {
  if (req.digest) {
    return {
      type: 'herdwatch.alert.digest', timestamp: now.toISOString(),
      data: { deliveryId: req.delivery.id, count: req.digest.length, alerts: req.digest.map((d) => ({ id: d.delivery.alertId, state: d.delivery.state, rule: d.delivery.rule, key: d.delivery.key })) },
    };
  }
  const t = req.transition;
  const f = factsOf(req.alert, t, uiUrl);
  return {
    type: `herdwatch.alert.${t.state}`,
    timestamp: now.toISOString(),
    data: {
      deliveryId: req.delivery.id, alertId: t.id, state: t.state, rule: t.rule, ruleUid: t.ruleUid, key: t.key, severity: t.severity, detector: t.detector,
      onset: new Date(t.onset).toISOString(), at: new Date(t.at).toISOString(), value: t.value, baseline: t.baseline, lift: t.lift, score: t.score,
      ...(t.actors !== undefined ? { actors: t.actors } : {}), reason: t.reason, summary: `${f.title}: ${f.size}`, url: f.url,
    },
  };
}

export class WebhookChannel implements Channel {
  private readonly agents = keepAliveAgents();
  private readonly keys: Webhook[];

  constructor(private readonly o: { url: string; secret: string; uiUrl: string; timeoutMs: number; guard?: AddressGuard; clock?: () => number }) {
    this.keys = signers(o.secret);
  }

  async send(req: SendRequest): Promise<SendResult> {
    const now = new Date((this.o.clock ?? Date.now)());
    const body = JSON.stringify(webhookPayload(req, this.o.uiUrl, now));
    const headers = signatureHeaders(webhookId(req.delivery.id), now, body, this.keys);
    await post(this.o.url, body, { headers, timeoutMs: this.o.timeoutMs, signal: req.signal, agents: this.agents, ...(this.o.guard ? { guard: this.o.guard } : {}) });
    return {};
  }
}
