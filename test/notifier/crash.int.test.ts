import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { createKafka } from '../../src/kafka/client.js';
import { amLabels } from '../../src/notifier/channels/alertmanager.js';
import { messageId } from '../../src/notifier/channels/email.js';
import { webhookId } from '../../src/notifier/channels/webhook.js';
import { deliveryId } from '../../src/notifier/plan.js';
import { blockId } from '../../src/notifier/render/slack.js';
import { targetsOf } from '../../src/notifier/routing.js';
import type { AlertTransition } from '../../src/store/notify/types.js';
import { MongoNotifierStore } from '../../src/store/notify/mongo.js';
import { prng } from '../kafka/traffic.js';
import { createTopics, settingsFor, uniqueTopics, waitFor } from '../kafka/helpers.js';
import { alertmanagerUrl, freshDb, mailpitUrl, mongoUri, smtpUrl } from './env.js';
import { fourChannels, WEBHOOK_SECRET } from './pipeline.js';
import { spawnNotifier, writeRuleFile, type NotifierProcess } from './process.js';
import { FaultyProxy, mailpitClear, mailpitMessages, randomFaults, SlackReceiver, WebhookReceiver } from './receivers.js';

// × (firing + resolved): 500 alerts are the 1,000 transitions of the issue; HW_CRASH_ALERTS scales it.
const ALERTS = Number(process.env.HW_CRASH_ALERTS ?? 500);
const RULE = 'test/crash';
const UID = `uid-crash-${Date.now().toString(36)}`;

function transitions(i: number, base: number): AlertTransition[] {
  const key = `SKU-${String(i).padStart(4, '0')}`;
  const onset = base + i * 10_000;
  const common = { id: `${UID}:${key}:${onset}`, ruleUid: UID, rule: RULE, detector: 'surge' as const, severity: 'warning' as const, key, onset, baseline: 10, score: 9 };
  return [
    { ...common, state: 'firing', at: onset + 30_000, value: 60, lift: 6, reason: `${key} at 6x usual`, actors: 40 },
    { ...common, state: 'resolved', at: onset + 600_000, value: 12, lift: 1.2, reason: `${key} back to usual` },
  ];
}

const repeats = <T>(xs: readonly T[]) => xs.length - new Set(xs).size;

// SIGKILL the notifier at random moments while 1,000 transitions arrive and the receivers
// fail at random (429 with Retry-After, 500, timeouts); restart it each time. Afterwards
// every transition has reached every channel exactly once by its idempotency key.
describe('the notifier survives SIGKILL mid-delivery', () => {
  const topics = uniqueTopics('notify-crash');
  const kafka = createKafka(settingsFor(topics));
  const db = freshDb('crash');
  const rnd = prng(20261125);
  const slack = new SlackReceiver();
  const hook = new WebhookReceiver(WEBHOOK_SECRET);
  const am = new FaultyProxy(alertmanagerUrl());
  let proc: NotifierProcess | undefined;
  let kills = 0;
  const logs: string[] = [];

  beforeAll(async () => {
    await Promise.all([slack.start(), hook.start(), am.start(), mailpitClear(mailpitUrl())]);
    for (const r of [slack, hook, am]) r.faults = randomFaults(0.15, rnd);
    await createTopics(kafka, topics);
  });
  afterAll(async () => {
    await proc?.kill('SIGKILL');
    await Promise.all([slack.stop(), hook.stop(), am.stop()]);
  });

  it('delivers every transition to every channel, with no duplicate webhook or Alertmanager alert', async () => {
    const { channels, env } = fourChannels({ slackSecret: 'xoxb-crash', webhookUrl: hook.url, alertmanager: am.url });
    const ruleFile = writeRuleFile('crash', UID, channels);
    const args = [
      '--alerts-topic', topics.alerts, '--group', `crash-${db}`, '--mongodb', mongoUri(), '--mongodb-db', db, '--rules', ruleFile,
      '--instance', 'crash-1', '--ui-url', 'http://herdwatch.test', '--smtp', smtpUrl(), '--slack-api-url', `${slack.url}/api/`,
      '--retry-scale', '0.001', '--max-attempts', '1000', '--slack-rate', '0', '--digest-per-minute', '0', '--alertmanager-repost', '1h',
      '--webhook-allow-cidrs', '127.0.0.0/8', '--timeout', '1s', '--lease', '5s', '--concurrency', '4',
    ];
    const start = () => {
      proc = spawnNotifier(args, { ...env, HERDWATCH_TRANSACTIONS: 'false' });
      proc.child.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
    };
    start();

    // Produce the transitions in small batches while a killer restarts the notifier at random.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const base = Date.UTC(2026, 10, 25, 12);
    let producing = true;
    const killer = (async () => {
      while (producing) {
        await new Promise((r) => setTimeout(r, 1500 + rnd() * 2500));
        await proc!.kill('SIGKILL');
        kills++;
        start();
      }
    })();
    for (let i = 0; i < ALERTS; i += 25) {
      const batch = Array.from({ length: Math.min(25, ALERTS - i) }, (_, k) => transitions(i + k, base)).flat();
      // Firings first, their resolves in the next request: both arrive while the notifier may be down.
      await producer.send({ topic: topics.alerts, acks: -1, messages: batch.filter((t) => t.state === 'firing').map((t) => ({ key: t.id, value: JSON.stringify(t) })) });
      await producer.send({ topic: topics.alerts, acks: -1, messages: batch.filter((t) => t.state === 'resolved').map((t) => ({ key: t.id, value: JSON.stringify(t) })) });
      // Paced like a busy shop (about 17 transitions a second): FerretDB v1 is the bottleneck, not the notifier.
      await new Promise((r) => setTimeout(r, 2_000 + rnd() * 2_000));
    }
    await producer.disconnect();
    // Keep killing for a while after the last record, then let it finish.
    await new Promise((r) => setTimeout(r, 8_000));
    producing = false;
    await killer;

    const all = Array.from({ length: ALERTS }, (_, i) => transitions(i, base)).flat();
    const route = { rule: RULE, ruleUid: UID, namespace: 'test', channels };
    const byKind = Object.fromEntries(targetsOf(route).map((t) => [t.kind, t.target]));
    const ids = (kind: string) => all.map((t) => deliveryId(t.id, t.state, byKind[kind]!));
    const wantHooks = new Set(ids('webhook').map(webhookId));
    const wantSlack = new Set(ids('slack').map(blockId));
    const wantMail = new Set(ids('email').map((id) => messageId(id).slice(1, -1)));
    const amKey = (labels: Record<string, string>, resolved: boolean) => `${JSON.stringify(labels)}|${resolved ? 'resolved' : 'firing'}`;
    const wantAm = new Set(all.map((t) => amKey(amLabels(t), t.state === 'resolved')));
    const amSeen = () => am.accepted.filter((x) => x.path === '/api/v2/alerts').flatMap((x) => JSON.parse(x.body) as { labels: Record<string, string>; endsAt: string }[])
      .map((a) => amKey(a.labels, Date.parse(a.endsAt) <= Date.now() + 60_000));
    const slackSeen = () => slack.records.filter((r) => r.via === 'postMessage').map((r) => r.blocks[0]?.block_id ?? '');

    let mails: string[] = [];
    await waitFor('every transition at every channel', async () => {
      mails = (await mailpitMessages(mailpitUrl())).map((m) => m.MessageID);
      const done = [...wantHooks].every((id) => hook.records.some((r) => r.id === id)) && new Set(slackSeen()).size >= wantSlack.size
        && new Set(mails).size >= wantMail.size && new Set(amSeen()).size >= wantAm.size;
      if (!done) console.log(`crash test progress: webhook ${new Set(hook.records.map((r) => r.id)).size}, slack ${new Set(slackSeen()).size}, mail ${new Set(mails).size}, alertmanager ${new Set(amSeen()).size} of ${wantHooks.size}`);
      return done || undefined;
    }, 1_200_000, 5_000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}: webhook ${new Set(hook.records.map((r) => r.id)).size}/${wantHooks.size}, slack ${new Set(slackSeen()).size}/${wantSlack.size}, mail ${new Set(mails).size}/${wantMail.size}, alertmanager ${new Set(amSeen()).size}/${wantAm.size}\n${logs.slice(-20).join('')}`);
    });

    // Every transition reached every channel: exactly the expected idempotency keys.
    expect(new Set(hook.records.map((r) => r.id))).toEqual(wantHooks);
    expect(hook.rejected).toEqual([]);
    expect(new Set(slackSeen())).toEqual(wantSlack);
    expect(new Set(mails)).toEqual(wantMail);
    expect(new Set(amSeen())).toEqual(wantAm);
    // Every Slack resolve threads under its own alert's firing message.
    const firingTs = new Map(slack.records.filter((r) => r.via === 'postMessage' && !r.thread_ts).map((r) => [r.blocks[0]?.block_id, r.ts]));
    for (const t of all.filter((x) => x.state === 'resolved').slice(0, 50)) {
      const reply = slack.records.find((r) => r.blocks[0]?.block_id === blockId(deliveryId(t.id, 'resolved', byKind.slack!)));
      expect(reply?.thread_ts).toBe(firingTs.get(blockId(deliveryId(t.id, 'firing', byKind.slack!))));
    }

    // MongoDB's history is complete and every delivery is final.
    await proc!.kill('SIGTERM');
    const store = new MongoNotifierStore({ uri: mongoUri(), db });
    try {
      let alerts = 0;
      let cursor: string | undefined;
      do {
        const page = await store.alerts({ rule: RULE, limit: 200, ...(cursor ? { cursor } : {}) });
        for (const a of page.alerts) expect(a.transitions.map((t) => t.state)).toEqual(['firing', 'resolved']);
        alerts += page.alerts.length;
        cursor = page.next;
      } while (cursor);
      expect(alerts).toBe(ALERTS);
      expect(await store.outboxStats()).toEqual([]);
      expect(await store.outbox.done.countDocuments({ status: 'sent' })).toBe(ALERTS * 2 * 4);
    } finally {
      await store.close();
    }

    // Duplicates per channel, by each channel's idempotency key. A receiver that keys on the
    // Standard Webhooks id, and Alertmanager (an alert is its label set), see none; Slack
    // and e-mail have no such key, so a kill between a send and its record repeats it.
    const dup = {
      kills,
      webhookResends: repeats(hook.records.map((r) => r.id)),
      alertmanagerResends: repeats(amSeen()),
      slack: repeats(slackSeen()),
      email: repeats(mails),
    };
    console.log(`crash test: ${JSON.stringify(dup)}`);
    expect(dup.slack).toBeLessThanOrEqual(kills);
    expect(dup.email).toBeLessThanOrEqual(kills);
    expect(kills).toBeGreaterThanOrEqual(5);
  }, 1_500_000);
});
