/**
 * Renders one example of each notifier message for docs/notifier.md, from the real renderers:
 *   tsx scripts/notifier/examples.ts            prints Slack, e-mail, Alertmanager and webhook payloads
 *   tsx scripts/notifier/examples.ts --slack-html FILE   writes an HTML preview of the Slack blocks (for a screenshot)
 */
import { writeFileSync } from 'node:fs';
import { amAlert } from '../../src/notifier/channels/alertmanager.js';
import { signatureHeaders, signers, webhookId, webhookPayload } from '../../src/notifier/channels/webhook.js';
import { factsOf } from '../../src/notifier/render/facts.js';
import { emailAlert } from '../../src/notifier/render/email.js';
import { slackAlert, slackResolved } from '../../src/notifier/render/slack.js';
import type { AlertRecord, AlertTransition, Delivery } from '../../src/store/notify/types.js';

const onset = Date.UTC(2026, 10, 25, 14, 2);
const firing: AlertTransition = {
  id: 'b7c1e0d2:SKU-4521:1795615320000', state: 'firing', ruleUid: 'b7c1e0d2', rule: 'shop/sneaker-surge', detector: 'surge', severity: 'warning',
  key: 'SKU-4521', name: 'Air Max 90', category: 'sneakers', onset, at: onset + 12 * 60_000, value: 312, baseline: 50.3, lift: 6.2, score: 11.4, actors: 38,
  reason: 'SKU-4521: 312 weighted events in 5m, 6.2× the 50.3 expected (score 11.4 ≥ 4)',
};
const resolved: AlertTransition = { ...firing, state: 'resolved', at: onset + 41 * 60_000, value: 61, lift: 1.2, reason: 'SKU-4521 back under 1.5× its usual level' };
const alert: AlertRecord = { id: firing.id, rule: firing.rule, ruleUid: firing.ruleUid, key: firing.key, severity: 'warning', detector: 'surge', state: 'firing', onset, firstAt: onset, lastAt: onset, transitions: [firing] };
const ui = 'https://herdwatch.shop.example';
const delivery = (target: string, state: 'firing' | 'resolved' = 'firing'): Delivery => ({
  id: `${firing.id}|${state}|shop/sneaker-surge/${target}`, alertId: firing.id, transition: state, state, channel: 'webhook', target: `shop/sneaker-surge/${target}`,
  rule: firing.rule, ruleUid: firing.ruleUid, key: firing.key, status: 'pending', attempts: 0, nextAt: 0, createdAt: 0,
});

const f = factsOf(alert, firing, ui);
const fr = factsOf({ ...alert, transitions: [firing, resolved], state: 'resolved' }, resolved, ui);

function slackHtml(): string {
  const m = slackAlert(f, delivery('slack#0').id);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const md = (s: string) => esc(s).replace(/\*([^*]+)\*/g, '<b>$1</b>').replace(/\n/g, '<br>').replace(/:chart_with_upwards_trend:/g, '↗').replace(/:white_check_mark:/g, '✓');
  const parts = m.blocks.map((b) => {
    const block = b as { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text?: unknown; url?: string }[] };
    if (block.type === 'header') return `<div class="h">${esc(block.text!.text)}</div>`;
    if (block.type === 'section') return `<div class="f">${block.fields!.map((x) => `<div>${md(x.text)}</div>`).join('')}</div>`;
    if (block.type === 'context') return `<div class="c">${md(String((block.elements![0] as { text: string }).text))}</div>`;
    return `<div><span class="b">Open in HerdWatch</span></div>`;
  }).join('');
  const reply = slackResolved(fr, delivery('slack#0', 'resolved').id);
  return `<!doctype html><meta charset="utf-8"><style>body{font:15px/1.45 -apple-system,Segoe UI,Lato,Helvetica,Arial,sans-serif;margin:0;padding:20px;background:#fff;color:#1d1c1d;width:640px}
.m{display:flex;gap:10px}.a{width:36px;height:36px;border-radius:6px;background:#2b8a3e;color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center}
.n{font-weight:900}.t{color:#616061;font-size:12px;margin-left:6px}.h{font-size:18px;font-weight:900;margin:6px 0}.f{display:grid;grid-template-columns:1fr 1fr;gap:8px 24px;margin:8px 0}
.c{color:#616061;font-size:13px;margin:8px 0}.b{display:inline-block;border:1px solid #ccc;border-radius:4px;padding:3px 12px;font-weight:700;font-size:14px}
.r{margin:14px 0 0 46px;border-left:3px solid #ddd;padding-left:10px;color:#1d1c1d}.e{font-size:12px;color:#616061}</style>
<div class="m"><div class="a">HW</div><div><span class="n">HerdWatch</span><span class="t">APP 14:14</span>${parts}
<div class="e">(edited) ✓ Resolved after 41 min — the thread has 1 reply</div></div></div>
<div class="r"><span class="n">HerdWatch</span><span class="t">14:43 in thread</span><div>${md((reply.blocks[0] as { text: { text: string } }).text.text.replace(/<([^|>]+)\|([^>]+)>/g, '$2'))}</div></div>`;
}

const arg = process.argv.indexOf('--slack-html');
if (arg > 0) {
  writeFileSync(process.argv[arg + 1]!, slackHtml());
} else {
  const whBody = JSON.stringify(webhookPayload({ alert, transition: firing, delivery: delivery('webhook#3') }, ui, new Date(onset + 12 * 60_000 + 800)));
  const mail = emailAlert(f);
  const out = {
    slackFiring: slackAlert(f, delivery('slack#0').id),
    slackResolvedThreadReply: slackResolved(fr, delivery('slack#0', 'resolved').id),
    emailSubject: mail.subject, emailResolvedSubject: emailAlert(fr).subject, emailText: mail.text,
    alertmanager: [amAlert(alert, firing, ui, onset + 12 * 60_000, 240_000)],
    webhookHeaders: signatureHeaders(webhookId(delivery('webhook#3').id), new Date(onset + 12 * 60_000 + 800), whBody, signers('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD')),
    webhookBody: JSON.parse(whBody) as unknown,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}
