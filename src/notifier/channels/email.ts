import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { factsOf } from '../render/facts.js';
import { emailAlert, emailDigest } from '../render/email.js';
import { DeliveryFailure, type Channel, type SendRequest, type SendResult } from './types.js';

/**
 * E-mail over SMTP (nodemailer). The Message-ID comes from the delivery id, so a re-sent
 * mail is recognisably the same mail; a resolve or escalation threads under the firing mail
 * (In-Reply-To / References).
 */
export function messageId(deliveryId: string): string {
  return `<${createHash('sha256').update(deliveryId).digest('hex').slice(0, 32)}@herdwatch.notifier>`;
}

export interface EmailOptions {
  readonly smtpUrl: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly uiUrl: string;
  readonly timeoutMs: number;
}

/** SMTP reply codes 4xx are temporary, 5xx permanent; connection trouble is temporary. */
function smtpFailure(err: unknown): DeliveryFailure {
  const e = err as { responseCode?: number; code?: string; message?: string };
  const msg = `SMTP: ${e.message ?? String(err)}`.slice(0, 300);
  if (e.responseCode !== undefined) return new DeliveryFailure(e.responseCode >= 500 ? 'permanent' : 'retry', msg);
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return new DeliveryFailure('permanent', msg);
  return new DeliveryFailure('retry', msg);
}

const transports = new Map<string, Transporter>();

/** One pooled transport per SMTP server, shared by every e-mail channel that uses it. */
function transportFor(url: string, timeoutMs: number): Transporter {
  let t = transports.get(url);
  if (!t) {
    t = nodemailer.createTransport(`${url}${url.includes('?') ? '&' : '?'}pool=true`, { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as never);
    transports.set(url, t);
  }
  return t;
}

export function closeEmailTransports(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}

export class EmailChannel implements Channel {
  constructor(private readonly o: EmailOptions) {}

  async send(req: SendRequest): Promise<SendResult> {
    const m = req.digest
      ? emailDigest(req.digest.map((d) => `${d.delivery.state}: ${d.delivery.key} (${d.delivery.rule})`), req.delivery.rule)
      : emailAlert(factsOf(req.alert, req.transition, this.o.uiUrl));
    const id = messageId(req.delivery.id);
    const thread = req.parent ? messageId(req.parent.id) : undefined;
    try {
      await transportFor(this.o.smtpUrl, this.o.timeoutMs).sendMail({
        from: this.o.from, to: [...this.o.to], subject: m.subject, text: m.text, html: m.html, messageId: id,
        ...(thread ? { inReplyTo: thread, references: [thread] } : {}),
        headers: { 'X-HerdWatch-Alert': req.delivery.alertId, 'X-HerdWatch-State': req.delivery.state },
      });
    } catch (err) {
      throw smtpFailure(err);
    }
    return { response: { messageId: id } };
  }
}
