/**
 * The storm digest: above --digest-per-minute sends in one minute on a channel, the rest of that
 * minute arrives as ONE summary message when the minute is over — on Slack (incoming webhook) and
 * on a signed webhook alike, each channel counted on its own — and every alert is accounted for:
 * sent on its own or named in the digest, none lost, none twice. The notifier's clock is shifted
 * (not waited for) so that the minute ends on cue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretEnvName } from '../../src/notifier/secrets.js';
import { transition } from '../../src/store/notify/contract.js';
import { waitFor } from '../kafka/helpers.js';
import { startNotifier, WEBHOOK_SECRET, type TestNotifier } from './pipeline.js';
import { SlackReceiver, WebhookReceiver } from './receivers.js';

const PER_MINUTE = 3;
const STORM = 10;

describe('storm digest', () => {
  const slack = new SlackReceiver();
  const hook = new WebhookReceiver(WEBHOOK_SECRET);
  let n: TestNotifier;
  let skew = 0;

  beforeAll(async () => {
    await Promise.all([slack.start(), hook.start()]);
    // Start one second into a minute, so the whole storm falls in the same minute.
    const now = Date.now();
    skew = Math.ceil(now / 60_000) * 60_000 + 1_000 - now;
    n = await startNotifier({
      route: {
        rule: 'shop/storm', ruleUid: 'uid-storm', namespace: 'shop', channels: [
          { slack: { webhookSecretRef: { name: 'storm-slack', key: 'url' } } },
          { webhook: { urlSecretRef: { name: 'storm-hook', key: 'url' }, signingSecretRef: { name: 'storm-hook', key: 'secret' } } },
        ],
      },
      env: {
        [secretEnvName({ name: 'storm-slack', key: 'url' })]: `${slack.url}/hook/T0/B0/x`,
        [secretEnvName({ name: 'storm-hook', key: 'url' })]: hook.url, [secretEnvName({ name: 'storm-hook', key: 'secret' })]: WEBHOOK_SECRET,
      },
      slackApiUrl: `${slack.url}/api/`,
      overrides: { digestPerMinute: PER_MINUTE, clock: () => Date.now() + skew, concurrency: 2 },
    });
  });
  afterAll(async () => {
    await n?.stop();
    await Promise.all([slack.stop(), hook.stop()]);
  });

  it(`sends the first ${PER_MINUTE} alerts of a minute one by one and the other ${STORM - PER_MINUTE} as one summary per channel when the minute ends`, async () => {
    const alerts = Array.from({ length: STORM }, (_, i) => transition({ id: `uid-storm:S${i}:1000`, rule: 'shop/storm', ruleUid: 'uid-storm', key: `S${i}` }));
    await n.notifier.accept(alerts);
    const digested = async () => {
      let count = 0;
      for (const a of alerts) count += (await n.store.deliveries(a.id)).filter((d) => d.status === 'digested').length;
      return count;
    };
    await waitFor('every alert to be sent or put in a digest', async () => ((await digested()) === 2 * (STORM - PER_MINUTE) ? true : undefined), 60_000, 200);
    expect(slack.records).toHaveLength(PER_MINUTE);
    expect(hook.records).toHaveLength(PER_MINUTE);

    // The minute ends: one summary per channel.
    skew += 62_000;
    await waitFor('the Slack digest', () => (slack.records.length > PER_MINUTE ? true : undefined), 60_000, 100);
    await waitFor('the webhook digest', () => (hook.records.length > PER_MINUTE ? true : undefined), 60_000, 100);

    const summary = slack.records[PER_MINUTE]!;
    expect(summary.text).toMatch(new RegExp(`^${STORM - PER_MINUTE} HerdWatch alerts in one minute`));
    const sentOnSlack = new Set(slack.records.slice(0, PER_MINUTE).map((r) => /S\d+/.exec(r.text)?.[0]));
    const inSlackDigest = new Set([...(summary.blocks[1]?.text?.text ?? '').matchAll(/firing: (S\d+)/g)].map((m) => m[1]));
    expect(new Set([...sentOnSlack, ...inSlackDigest])).toEqual(new Set(alerts.map((a) => a.key)));
    expect([...sentOnSlack].filter((k) => inSlackDigest.has(k))).toEqual([]);

    const digest = hook.records[PER_MINUTE]!.payload;
    expect(digest.type).toBe('herdwatch.alert.digest');
    expect(digest.data.count).toBe(STORM - PER_MINUTE);
    const inHookDigest = (digest.data.alerts as { key: string }[]).map((a) => a.key);
    const sentOnHook = hook.records.slice(0, PER_MINUTE).map((r) => r.payload.data.key as string);
    expect([...sentOnHook, ...inHookDigest].sort()).toEqual(alerts.map((a) => a.key).sort());

    // Nothing more follows, and the metrics say what happened.
    await waitFor('the outbox to empty', async () => ((await n.store.outboxStats()).every((s) => s.depth === 0) ? true : undefined), 30_000, 200);
    expect(slack.records).toHaveLength(PER_MINUTE + 1);
    expect(hook.records).toHaveLength(PER_MINUTE + 1);
    const metrics = await n.registry.metrics();
    expect(metrics).toMatch(new RegExp(`herdwatch_notifications_total\\{channel="slack",outcome="digested"\\} ${STORM - PER_MINUTE}`));
    expect(metrics).toMatch(new RegExp(`herdwatch_notifications_total\\{channel="webhook",outcome="digested"\\} ${STORM - PER_MINUTE}`));
  });
});
