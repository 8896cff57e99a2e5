import { createHash } from 'node:crypto';
import type { AlertFacts } from './facts.js';

/** Slack Block Kit messages (incoming webhooks and chat.postMessage take the same blocks). */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

/** A block_id derived from the delivery id: stable across retries, so a receiver (or a test) can spot a repeat. */
export function blockId(deliveryId: string): string {
  return `hw-${createHash('sha256').update(deliveryId).digest('hex').slice(0, 24)}`;
}

const field = (label: string, value: string) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` });

export function slackAlert(f: AlertFacts, deliveryId: string): SlackMessage {
  const fields = [
    field(f.keyLabel, f.subject),
    field('How big', f.size),
    field('Since', `${f.since} (for ${f.duration})`),
    ...(f.people ? [field('People', f.people)] : []),
    field('Rule', f.rule),
    field('Severity', f.severity),
  ];
  return {
    text: `${f.title}: ${f.size} since ${f.since}`,
    blocks: [
      { type: 'header', block_id: blockId(deliveryId), text: { type: 'plain_text', text: `${f.title}`.slice(0, 150), emoji: true } },
      { type: 'section', fields },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${f.emoji} ${f.reason}` }] },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in HerdWatch' }, url: f.url, action_id: 'open-alert' }] },
    ],
  };
}

/** The short follow-up (incoming webhook) or thread reply (bot token) when an alert resolves. */
export function slackResolved(f: AlertFacts, deliveryId: string): SlackMessage {
  return {
    text: `Resolved: ${f.subject} after ${f.duration}`,
    blocks: [
      { type: 'section', block_id: blockId(deliveryId), text: { type: 'mrkdwn', text: `:white_check_mark: *Resolved* after ${f.duration}: ${f.subject} (${f.rule}). Peak ${f.size}. <${f.url}|Open in HerdWatch>` } },
    ],
  };
}

/** The firing message, edited in place once the alert resolved or escalated. */
export function slackEdited(f: AlertFacts, parentDeliveryId: string): SlackMessage {
  const m = slackAlert(f, parentDeliveryId);
  const note = f.state === 'resolved' ? `:white_check_mark: Resolved after ${f.duration}` : `:arrow_double_up: Escalated: ${f.size}`;
  return { text: `${note} — ${m.text}`, blocks: [...m.blocks.slice(0, 1), { type: 'section', text: { type: 'mrkdwn', text: `*${note}*` } }, ...m.blocks.slice(1)] };
}

export function slackDigest(lines: readonly string[], channelNote: string, deliveryId: string): SlackMessage {
  const shown = lines.slice(0, 20);
  const more = lines.length - shown.length;
  return {
    text: `${lines.length} HerdWatch alerts in one minute (${channelNote})`,
    blocks: [
      { type: 'header', block_id: blockId(deliveryId), text: { type: 'plain_text', text: `${lines.length} alerts in one minute`, emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: shown.map((l) => `• ${l}`).join('\n') + (more > 0 ? `\n…and ${more} more` : '') } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Sent as one digest to keep ${channelNote} readable during an alert storm.` }] },
    ],
  };
}
