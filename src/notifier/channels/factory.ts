import { HwError } from '../../errors.js';
import { endpointId } from '../disabled.js';
import type { Target } from '../routing.js';
import type { SecretSource } from '../secrets.js';
import type { AddressGuard } from '../ssrf.js';
import type { ChannelKind } from '../../store/notify/types.js';
import { AlertmanagerChannel } from './alertmanager.js';
import { EmailChannel } from './email.js';
import { PrintChannel } from './print.js';
import { SlackChannel } from './slack.js';
import type { Channel } from './types.js';
import { WebhookChannel } from './webhook.js';

/** Install-wide channel settings (the notifier's flags); rules add only what differs per rule. */
export interface ChannelDefaults {
  readonly uiUrl: string;
  readonly timeoutMs: number;
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  readonly alertmanagerUrl?: string;
  /** How long Alertmanager keeps a firing alert alive without a re-post. */
  readonly alertmanagerTtlMs: number;
  readonly slackApiUrl?: string;
  /** `dev`: a webhook URL that replaces every Slack channel's secret. */
  readonly slackWebhook?: string;
  readonly guard?: AddressGuard;
  /** Kinds that only print what they would send (`dev` without real channels). */
  readonly print?: { readonly kinds: ReadonlySet<ChannelKind>; readonly out: (line: string) => void };
}

/**
 * Builds the Channel for a rule's target, resolving its Secrets on each call (so a rotated
 * Secret takes effect) and reusing the instance while the resolved values stay the same.
 */
export class ChannelFactory {
  private readonly cache = new Map<string, { fingerprint: string; channel: Channel }>();

  constructor(private readonly secrets: SecretSource, readonly defaults: ChannelDefaults) {}

  async get(t: Target): Promise<Channel> {
    const d = this.defaults;
    if (d.print?.kinds.has(t.kind)) return this.memo(t.target, 'print', () => new PrintChannel({ kind: t.kind, uiUrl: d.uiUrl, out: d.print!.out }));
    const s = t.spec;
    if (s.slack) {
      const secret = d.slackWebhook ?? await this.secrets.get(t.namespace, s.slack.webhookSecretRef);
      return this.memo(t.target, secret, () => new SlackChannel({
        secret, uiUrl: d.uiUrl, timeoutMs: d.timeoutMs, ...(s.slack!.channel ? { channel: s.slack!.channel } : {}), ...(d.slackApiUrl ? { apiUrl: d.slackApiUrl } : {}),
      }));
    }
    if (s.email) {
      const smtpUrl = s.email.smtpSecretRef ? await this.secrets.get(t.namespace, s.email.smtpSecretRef) : d.smtpUrl;
      if (!smtpUrl) throw new HwError('HW_ERR_CHANNEL_CONFIG', { field: 'email.smtpSecretRef', expected: 'an smtpSecretRef or the notifier\'s --smtp', message: 'no SMTP server for this e-mail channel' });
      return this.memo(t.target, smtpUrl, () => new EmailChannel({ smtpUrl, from: d.mailFrom, to: s.email!.to, uiUrl: d.uiUrl, timeoutMs: d.timeoutMs }));
    }
    if (s.alertmanager) {
      const url = s.alertmanager.url ?? d.alertmanagerUrl;
      if (!url) throw new HwError('HW_ERR_CHANNEL_CONFIG', { field: 'alertmanager.url', expected: 'a url or the notifier\'s --alertmanager-url', message: 'no Alertmanager URL for this channel' });
      return this.memo(t.target, url, () => new AlertmanagerChannel({ url, uiUrl: d.uiUrl, timeoutMs: d.timeoutMs, firingTtlMs: d.alertmanagerTtlMs }));
    }
    if (s.webhook) {
      const [url, secret] = await Promise.all([this.secrets.get(t.namespace, s.webhook.urlSecretRef), this.secrets.get(t.namespace, s.webhook.signingSecretRef)]);
      return this.memo(t.target, `${url}\n${secret}`, () => new WebhookChannel({ url, secret, uiUrl: d.uiUrl, timeoutMs: d.timeoutMs, ...(d.guard ? { guard: d.guard } : {}) }));
    }
    throw new HwError('HW_ERR_CHANNEL_CONFIG', { field: t.target, message: 'channel names none of slack, email, alertmanager, webhook' });
  }

  /**
   * Which endpoint `target` sends to now (after `get`): a hash of its webhook URL, so a 410
   * disables that URL and not the target forever; other kinds have one endpoint per target.
   */
  endpointOf(target: string): string {
    const fp = this.cache.get(target)?.fingerprint;
    return fp?.includes('\n') ? endpointId(fp.slice(0, fp.indexOf('\n'))) : 'default';
  }

  private memo(target: string, fingerprint: string, make: () => Channel): Channel {
    const hit = this.cache.get(target);
    if (hit && hit.fingerprint === fingerprint) return hit.channel;
    const channel = make();
    this.cache.set(target, { fingerprint, channel });
    return channel;
  }
}
