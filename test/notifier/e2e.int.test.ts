import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaDetector } from '../../src/detector/kafka/runtime.js';
import { buildApi } from '../../src/api/app.js';
import { createKafkaBackend } from '../../src/kafka/backend.js';
import { createRegistry } from '../../src/metrics/registry.js';
import { createTopics, settingsFor, testKafka, uniqueTopics, waitFor } from '../kafka/helpers.js';
import { surgeRule, surgeTraffic } from '../kafka/traffic.js';
import { alertmanagerReceiverPort, alertmanagerUrl, mailpitUrl } from './env.js';
import { fourChannels, startNotifier, WEBHOOK_SECRET, type TestNotifier } from './pipeline.js';
import { AlertmanagerWebhookSink, mailpitClear, mailpitMessages, SlackReceiver, WebhookReceiver } from './receivers.js';
import { silentLogger } from '../../src/log/logger.js';

// A surge goes through real Kafka and the real detector; the notifier (on FerretDB) tells
// Slack (bot token: message, thread reply, edit), e-mail (Mailpit), Alertmanager (and its
// own webhook receiver behind routing and grouping) and a signed webhook.
describe('a surge reaches every channel, and so does its resolve', () => {
  const topics = uniqueTopics('notify-e2e');
  const kafka = testKafka(topics);
  const rule = surgeRule('e2e-surge');
  const slack = new SlackReceiver();
  const hook = new WebhookReceiver(WEBHOOK_SECRET);
  const amSink = new AlertmanagerWebhookSink();
  let detector: KafkaDetector;
  let n: TestNotifier;

  beforeAll(async () => {
    await Promise.all([slack.start(), hook.start(), amSink.start(alertmanagerReceiverPort()), mailpitClear(mailpitUrl())]);
    await createTopics(kafka, topics);
    const { channels, env } = fourChannels({ slackSecret: 'xoxb-test-token', webhookUrl: hook.url });
    n = await startNotifier({ route: { rule: 'test/e2e-surge', ruleUid: rule.uid, namespace: 'test', channels }, env, slackApiUrl: `${slack.url}/api/`, kafka, topic: topics.alerts });
    detector = new KafkaDetector({ kafka, rule, topics, registry: createRegistry(), startFrom: 'earliest', idleAdvanceMs: 5000, tickMs: 250, logger: silentLogger });
    await detector.start();
  });
  afterAll(async () => {
    await detector?.stop();
    await n?.stop();
    await Promise.all([slack.stop(), hook.stop(), amSink.stop()]);
  });

  it('delivers the firing and the resolve with the right content everywhere', async () => {
    const start = Math.floor((Date.now() - 60 * 60_000) / 10_000) * 10_000;
    const events = surgeTraffic({ start, minutes: 58, products: 8, perBucket: 3, surges: [{ product: 'P3', fromMin: 40, toMin: 44, factor: 8 }] });
    // Through the HTTP API, as shops send them.
    const backend = await createKafkaBackend(settingsFor(topics));
    const api = await buildApi({ sink: backend.sink, store: backend.store, settings: { rateLimitPerSec: 0, bodyLimitBytes: 8 * 1024 * 1024 } });
    for (let i = 0; i < events.length; i += 500) {
      const res = await api.inject({ method: 'POST', url: '/api/v1/events', payload: events.slice(i, i + 500).map((e) => JSON.stringify(e)).join('\n'), headers: { 'content-type': 'application/x-ndjson' } });
      expect(res.statusCode).toBe(202);
    }
    await api.close();
    await backend.close();

    // History in MongoDB: one alert, firing then resolved, and every delivery sent.
    const alert = await waitFor('the alert to resolve in the store', async () => {
      const page = await n.store.alerts({ rule: 'test/e2e-surge' });
      const a = page.alerts[0];
      if (a?.state !== 'resolved') console.log(`e2e: alert ${a ? a.state : 'not stored yet'}`);
      return a?.state === 'resolved' ? a : undefined;
    }, 240_000, 5_000);
    expect(alert.key).toBe('P3');
    expect(alert.transitions.map((t) => t.state)).toEqual(['firing', 'resolved']);
    const deliveries = await waitFor('all eight deliveries', async () => {
      const ds = await n.store.deliveries(alert.id);
      return ds.length === 8 && ds.every((d) => d.status === 'sent') ? ds : undefined;
    }, 60_000, 250);
    expect(deliveries.map((d) => `${d.channel}:${d.state}`).sort()).toEqual([
      'alertmanager:firing', 'alertmanager:resolved', 'email:firing', 'email:resolved', 'slack:firing', 'slack:resolved', 'webhook:firing', 'webhook:resolved',
    ]);

    // Slack: the firing message says what, how big, since when, rule, severity and links back.
    const posts = slack.records.filter((r) => r.via === 'postMessage');
    const firing = posts.find((r) => !r.thread_ts)!;
    const text = JSON.stringify(firing.blocks);
    expect(firing.channel).toBe('#trending');
    expect(text).toContain('*Product*\\nP3');
    expect(text).toMatch(/×usual|× usual/);
    expect(text).toMatch(/\d+ vs \d+(\.\d+)? expected/);
    expect(text).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC \(for (\d+ min|under a minute)\)/);
    expect(text).toContain('test/e2e-surge');
    expect(text).toContain('warning');
    expect(text).toContain(`http://herdwatch.test/alerts/${encodeURIComponent(alert.id)}`);
    // The resolve is a thread reply under it, and the parent is edited to say resolved.
    const reply = posts.find((r) => r.thread_ts);
    expect(reply?.thread_ts).toBe(firing.ts);
    expect(reply?.text).toMatch(/^Resolved: P3/);
    const edit = slack.records.find((r) => r.via === 'update');
    expect(edit?.ts).toBe(firing.ts);
    expect(edit?.text).toMatch(/Resolved after \d+ min/);

    // E-mail: two multipart mails, the resolve replying to the firing one.
    const mails = await waitFor('two mails in Mailpit', async () => {
      const m = (await mailpitMessages(mailpitUrl())).filter((x) => x.To.some((t) => t.Address === 'merch@shop.example'));
      return m.length >= 2 ? m : undefined;
    });
    expect(mails).toHaveLength(2);
    const fire = mails.find((m) => !m.Subject.includes('Resolved'))!;
    expect(fire.Subject).toMatch(/^\[HerdWatch warning\] Surge on P3.*× usual since \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    const detail = await (await fetch(`${mailpitUrl()}/api/v1/message/${fire.ID}`)).json() as { HTML: string; Text: string };
    expect(detail.Text).toContain('How big: ');
    expect(detail.HTML).toContain('Open in HerdWatch');
    const resolvedMail = mails.find((m) => m.Subject.includes('Resolved'))!;
    const headers = await (await fetch(`${mailpitUrl()}/api/v1/message/${resolvedMail.ID}/headers`)).json() as Record<string, string[]>;
    expect(headers['In-Reply-To']?.[0]).toBe(`<${fire.MessageID}>`);

    // Webhook: both verified with the library (signed with old and new key during rotation).
    expect(hook.rejected).toEqual([]);
    expect(hook.records.map((r) => r.payload.type).sort()).toEqual(['herdwatch.alert.firing', 'herdwatch.alert.resolved']);
    expect(hook.records[0]!.payload.data).toMatchObject({ alertId: alert.id, key: 'P3', rule: 'test/e2e-surge', severity: 'warning' });

    // Alertmanager routed and grouped it to its own receiver: firing, then resolved.
    const labels = { alertname: 'HerdWatchSurge', namespace: 'test', rule: 'e2e-surge', key: 'P3', severity: 'warning' };
    await waitFor('Alertmanager to send the resolve onward', () => amSink.notifications.some((x) => x.status === 'resolved') || undefined, 60_000, 250);
    const firstNote = amSink.notifications[0]!;
    expect(firstNote.groupLabels).toEqual({ alertname: 'HerdWatchSurge', rule: 'e2e-surge' });
    expect(firstNote.alerts[0]!.labels).toEqual(labels);
    expect(amSink.notifications.at(-1)!.alerts[0]).toMatchObject({ status: 'resolved', labels });
    const live = await (await fetch(`${alertmanagerUrl()}/api/v2/alerts?filter=rule%3D%22e2e-surge%22`)).json() as unknown[];
    expect(live).toEqual([]);
  }, 300_000);
});
