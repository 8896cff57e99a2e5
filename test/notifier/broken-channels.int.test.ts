import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.js';
import { recordingSink } from '../../src/api/test-helpers.js';
import { secretEnvName } from '../../src/notifier/secrets.js';
import { transition } from '../../src/store/notify/contract.js';
import { MemoryQueryStore } from '../../src/store/memory.js';
import { waitFor } from '../kafka/helpers.js';
import { freshDb } from './env.js';
import { startNotifier, WEBHOOK_SECRET, type TestNotifier } from './pipeline.js';
import { SlackReceiver, WebhookReceiver } from './receivers.js';

// One rule, five channels: a webhook that answers 410 Gone, a Slack channel whose Secret does
// not exist, e-mail to an SMTP port nobody listens on, a webhook to a private address the SSRF
// guard refuses — and one healthy webhook, which must get every alert regardless.
describe('broken channels do not hold up the others, and say so', () => {
  const good = new WebhookReceiver(WEBHOOK_SECRET);
  const gone = new WebhookReceiver(WEBHOOK_SECRET);
  const slack = new SlackReceiver();
  const db = freshDb('broken');
  let n: TestNotifier;
  let setup: Parameters<typeof startNotifier>[0];

  beforeAll(async () => {
    await Promise.all([good.start(), gone.start(), slack.start()]);
    gone.faults = () => 410;
    const ref = (name: string) => ({ urlSecretRef: { name, key: 'url' }, signingSecretRef: { name, key: 'secret' } });
    const env = {
      [secretEnvName({ name: 'good', key: 'url' })]: good.url, [secretEnvName({ name: 'good', key: 'secret' })]: WEBHOOK_SECRET,
      [secretEnvName({ name: 'gone', key: 'url' })]: gone.url, [secretEnvName({ name: 'gone', key: 'secret' })]: WEBHOOK_SECRET,
      [secretEnvName({ name: 'private', key: 'url' })]: 'http://10.255.255.1:9/hook', [secretEnvName({ name: 'private', key: 'secret' })]: WEBHOOK_SECRET,
    };
    setup = {
      db,
      route: {
        rule: 'shop/broken', ruleUid: 'uid-broken', namespace: 'shop', channels: [
          { webhook: ref('gone') }, { slack: { webhookSecretRef: { name: 'missing', key: 'url' } } }, { email: { to: ['x@shop.example'], smtpSecretRef: { name: 'nosmtp', key: 'url' } } },
          { webhook: ref('private') }, { webhook: ref('good') },
        ],
      },
      env: { ...env, [secretEnvName({ name: 'nosmtp', key: 'url' })]: 'smtp://127.0.0.1:9' },
      slackApiUrl: `${slack.url}/api/`,
      overrides: { backoff: { scale: 0.0001, maxAttempts: 3 } },
    };
    n = await startNotifier(setup);
  });
  afterAll(async () => {
    await n?.stop();
    await Promise.all([good.stop(), gone.stop(), slack.stop()]);
  });

  it('delivers to the healthy webhook and shows each broken one as a dead letter with its reason, in metrics and the API', async () => {
    const alerts = Array.from({ length: 10 }, (_, i) => transition({ id: `uid-broken:P${i}:1000`, rule: 'shop/broken', ruleUid: 'uid-broken', key: `P${i}` }));
    await n.notifier.accept(alerts);
    await waitFor('the healthy webhook to get all ten', () => (good.records.length >= 10 ? true : undefined), 60_000, 100);
    expect(new Set(good.records.map((r) => r.payload.data.key))).toEqual(new Set(alerts.map((a) => a.key)));

    // Every broken delivery ends as a dead letter, with an error a person can act on.
    await waitFor('every broken delivery to be final', async () => ((await n.store.outboxStats()).every((s) => s.depth === 0) ? true : undefined), 60_000, 200);
    const deliveries = await n.store.deliveries(alerts[0]!.id);
    const status = Object.fromEntries(deliveries.map((d) => [d.target.replace('shop/broken/', ''), `${d.status}: ${d.lastError ?? ''}`]));
    expect(status['webhook#0']).toMatch(/^dead: 410 .*endpoint is gone; it is disabled/);
    expect(status['slack#1']).toMatch(/^dead: HW_ERR_SECRET/);
    expect(status['email#2']).toMatch(/^dead: SMTP: .*ECONNREFUSED|^dead: SMTP: connect/);
    expect(status['webhook#3']).toMatch(/^dead: HW_ERR_DESTINATION_BLOCKED/);
    expect(status['webhook#4']).toBe('sent: ');
    // 410 disabled the endpoint: it was asked once, not once per alert.
    expect(gone.records).toHaveLength(0);

    const metrics = await n.registry.metrics();
    expect(metrics).toMatch(/herdwatch_notifications_total\{channel="webhook",outcome="disabled"\} 1/);
    expect(metrics).toMatch(/herdwatch_notifications_total\{channel="webhook",outcome="sent"\} 10/);
    expect(metrics).toMatch(/herdwatch_notifier_dead_letters\{channel="slack"\} 10/);
    expect(metrics).toMatch(/herdwatch_notifier_dead_letters\{channel="email"\} 10/);
    expect(metrics).toMatch(/herdwatch_notification_delivery_seconds_count\{channel="webhook"\} 10/);

    const app = await buildApi({ sink: recordingSink(), store: new MemoryQueryStore(), notifications: n.store });
    const detail = (await app.inject({ url: `/api/v1/alerts/${encodeURIComponent(alerts[0]!.id)}` })).json() as { deliveries: { channel: string; status: string; lastError?: string }[] };
    await app.close();
    expect(detail.deliveries.filter((d) => d.status === 'dead')).toHaveLength(4);
    expect(detail.deliveries.find((d) => d.channel === 'slack')?.lastError).toMatch(/secret missing key url is not available/);
  });

  it('keeps the 410 endpoint disabled across a restart (the next notifier process sends it nothing) until someone enables it again', async () => {
    const asked = gone.requests;
    // At most the sends already in flight to it when the first 410 came (two per target).
    expect(asked).toBeGreaterThanOrEqual(1);
    expect(asked).toBeLessThanOrEqual(2);
    await n.stop();
    n = await startNotifier(setup);
    const later = Array.from({ length: 3 }, (_, i) => transition({ id: `uid-broken:Q${i}:2000`, rule: 'shop/broken', ruleUid: 'uid-broken', key: `Q${i}` }));
    await n.notifier.accept(later);
    await waitFor('the healthy webhook to get the later three', () => (good.records.length >= 13 ? true : undefined), 60_000, 100);
    await waitFor('every later delivery to be final', async () => ((await n.store.outboxStats()).every((s) => s.depth === 0) ? true : undefined), 60_000, 200);
    const gone0 = (await n.store.deliveries(later[0]!.id)).find((d) => d.target === 'shop/broken/webhook#0');
    expect(gone0).toMatchObject({ status: 'dead', lastError: expect.stringMatching(/^410 .*disabled/) });
    expect(gone.records).toHaveLength(0);
    expect(gone.requests).toBe(asked);

    // Someone fixed the receiver and enabled the target again (DELETE /api/v1/disabled-targets/...): it is asked again.
    expect(await n.store.enableTarget('shop/broken/webhook#0')).toBe(true);
    await n.stop();
    n = await startNotifier(setup);
    await n.notifier.accept([transition({ id: 'uid-broken:R0:3000', rule: 'shop/broken', ruleUid: 'uid-broken', key: 'R0' })]);
    await waitFor('the re-enabled target to be asked', () => (gone.requests > asked ? true : undefined), 60_000, 100);
  });
});
