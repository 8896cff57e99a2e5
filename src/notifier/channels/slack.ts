import { IncomingWebhook, type FetchFunction } from '@slack/webhook';
import { WebClient } from '@slack/web-api';
import { HwError } from '../../errors.js';
import { factsOf } from '../render/facts.js';
import { slackAlert, slackDigest, slackEdited, slackResolved, type SlackMessage } from '../render/slack.js';
import { DeliveryFailure, failureForStatus, parseRetryAfter, type Channel, type SendRequest, type SendResult } from './types.js';

/**
 * Slack, two ways. An incoming-webhook URL posts each transition as a message (a resolve is
 * a short follow-up). A bot token (`xoxb-…`, with a channel) posts the firing message, edits
 * it in place on escalation and resolve, and answers the resolve in its thread.
 */
export interface SlackOptions {
  /** The Secret's value: a webhook URL or a bot token. */
  readonly secret: string;
  readonly channel?: string;
  readonly uiUrl: string;
  readonly timeoutMs: number;
  /** Web API base (tests point it at a recording receiver). */
  readonly apiUrl?: string;
}

const RETRYABLE_PLATFORM = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

function messageFor(req: SendRequest, uiUrl: string, channelNote: string): SlackMessage {
  if (req.digest) return slackDigest(req.digest.map((d) => `${d.delivery.state}: ${d.delivery.key} (${d.delivery.rule})${d.alert ? ` — ${factsOf(d.alert, d.alert.transitions.find((x) => x.state === d.delivery.state) ?? d.alert.transitions[0]!, uiUrl).size}` : ''}`), channelNote, req.delivery.id);
  const f = factsOf(req.alert, req.transition, uiUrl);
  return req.transition.state === 'resolved' ? slackResolved(f, req.delivery.id) : slackAlert(f, req.delivery.id);
}

/** Maps @slack/web-api errors (matched by `code`) to how the outbox treats them. */
function apiFailure(err: unknown): DeliveryFailure {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; statusMessage?: string; headers?: Record<string, string>; data?: { error?: string }; message?: string };
  switch (e.code) {
    case 'slack_webapi_rate_limited_error': return new DeliveryFailure('retry', '429 rate limited by Slack', (e.retryAfter ?? 1) * 1000, 429);
    case 'slack_webapi_http_error': return failureForStatus(e.statusCode ?? 0, e.statusMessage ?? '', e.headers?.['retry-after']);
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      return new DeliveryFailure(RETRYABLE_PLATFORM.has(code) ? 'retry' : 'permanent', `Slack API error ${code}`);
    }
    default: return new DeliveryFailure('retry', `Slack request failed: ${e.message ?? String(err)}`);
  }
}

export class SlackChannel implements Channel {
  private readonly bot: WebClient | undefined;

  constructor(private readonly o: SlackOptions) {
    if (/^xox[bp]-/.test(o.secret)) {
      if (!o.channel) throw new HwError('HW_ERR_CHANNEL_CONFIG', { field: 'slack.channel', expected: 'a channel such as #trending', message: 'a Slack bot token needs a channel' });
      this.bot = new WebClient(o.secret, {
        ...(o.apiUrl ? { slackApiUrl: o.apiUrl } : {}),
        // The outbox owns retries, backoff and Retry-After; the client must not retry behind its back.
        retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: o.timeoutMs,
      });
    } else if (!/^https?:\/\//.test(o.secret)) {
      throw new HwError('HW_ERR_CHANNEL_CONFIG', { field: 'slack.webhookSecretRef', expected: 'an incoming-webhook URL or a bot token (xoxb-…)', message: 'Slack secret is neither a webhook URL nor a bot token' });
    }
  }

  send(req: SendRequest): Promise<SendResult> {
    return this.bot ? this.sendBot(this.bot, req) : this.sendWebhook(req);
  }

  private async sendWebhook(req: SendRequest): Promise<SendResult> {
    let retryAfter: string | null = null;
    // IncomingWebhook's errors do not carry headers: keep Retry-After from the response here.
    const fetchFn: FetchFunction = async (url, init) => {
      const res = await fetch(url, { ...init, signal: init?.signal ?? req.signal } as RequestInit);
      retryAfter = res.headers.get('retry-after');
      return res;
    };
    const hook = new IncomingWebhook(this.o.secret, { fetch: fetchFn, timeout: this.o.timeoutMs, ...(this.o.channel ? { channel: this.o.channel } : {}) });
    const m = messageFor(req, this.o.uiUrl, this.o.channel ?? 'this channel');
    try {
      await hook.send({ text: m.text, blocks: m.blocks as never });
    } catch (err) {
      const e = err as { code?: string; statusCode?: number; statusMessage?: string; body?: string; message?: string };
      if (e.code === 'slack_webhook_http_error') {
        const f = failureForStatus(e.statusCode ?? 0, e.body || e.statusMessage || '', retryAfter);
        // Slack answers 404/410 no_service when a webhook was removed: that endpoint is gone.
        if (e.body === 'no_service' || e.body === 'channel_is_archived') throw new DeliveryFailure('disable', `Slack webhook is gone (${e.body})`, undefined, e.statusCode);
        throw f;
      }
      throw new DeliveryFailure('retry', `Slack webhook request failed: ${e.message ?? String(err)}`, parseRetryAfter(retryAfter));
    }
    return {};
  }

  private async sendBot(bot: WebClient, req: SendRequest): Promise<SendResult> {
    const channel = this.o.channel!;
    const m = messageFor(req, this.o.uiUrl, channel);
    const parent = req.parent?.response;
    try {
      if (!req.digest && req.transition.state !== 'firing' && parent?.ts && parent.channel) {
        // Edit first (idempotent), then reply: a crash between the two repeats only the edit.
        const edited = slackEdited(factsOf(req.alert, req.transition, this.o.uiUrl), req.parent!.id);
        await bot.chat.update({ channel: parent.channel, ts: parent.ts, text: edited.text, blocks: edited.blocks as never });
        if (req.transition.state === 'escalated') return { response: { channel: parent.channel, ts: parent.ts } };
        const r = await bot.chat.postMessage({ channel: parent.channel, thread_ts: parent.ts, text: m.text, blocks: m.blocks as never });
        return { response: { channel: String(r.channel ?? parent.channel), ts: String(r.ts ?? ''), thread_ts: parent.ts } };
      }
      const r = await bot.chat.postMessage({ channel, text: m.text, blocks: m.blocks as never });
      return { response: { channel: String(r.channel ?? channel), ts: String(r.ts ?? '') } };
    } catch (err) {
      throw apiFailure(err);
    }
  }
}
