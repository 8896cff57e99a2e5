import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesFile, TEST_TUNING } from '../../monitoring/alerts/rules.js';
import { DASHBOARDS } from '../../monitoring/dashboards/build.js';
import { panels } from '../../monitoring/dashboards/spec.js';
import { rulesYaml } from '../../scripts/generate.js';
import { createTopics, testKafka, uniqueTopics } from '../kafka/helpers.js';
import { createNamespace, kubectlOk } from '../k8s/cluster.js';
import { ensureCrd, herdRule } from '../k8s/operator-harness.js';
import {
  amAlerts, herdwatch, httpOk, logTails, port, promQuery, restartOnExit, ROOT, startAlertmanager, startPrometheus, waitFor, type AmAlert, type Proc, type PromSeries,
} from './services.js';
import { liveTraffic, sendBadEvents, sendHistory } from './traffic.js';

// Grafana fills these in; Prometheus scrapes every second here, so 15 s holds enough samples.
const RATE_WINDOW = '15s';
const concrete = (expr: string) => expr.replaceAll('$__rate_interval', RATE_WINDOW).replaceAll('$rule', '.*');

/** Where the panel data of a run is kept for the docs' previews (scripts/sre/render-panels.ts). */
const SNAPSHOT_DIR = process.env.HW_SRE_SNAPSHOT ?? join(ROOT, '.tmp', 'sre-panels');

describe('the SRE kit on real Prometheus, Alertmanager, Kafka and HerdWatch processes', () => {
  const topics = uniqueTopics('sre');
  const rule = 'sre/sre-surge';
  const ruleFile = join(ROOT, 'test', 'sre', 'fixtures', 'sre-surge.yaml');
  const api = `http://127.0.0.1:${port(1)}`;
  const prom = `http://127.0.0.1:${port(3)}`;
  const am = `http://127.0.0.1:${port(4)}`;
  const procs: Proc[] = [];
  const delivered: AmAlert[] = [];
  let dir: string;
  let webhook: Server;
  // The channel that fails: a webhook receiver that answers every delivery with 500.
  let failing: Server;
  let failingRequests = 0;
  let detector: Proc;
  let operator: ReturnType<typeof restartOnExit>;
  let ns: Awaited<ReturnType<typeof createNamespace>>;
  // Restarted when it exits, as its Deployment would be (it exits on losing the lease).
  const startOperator = () => restartOnExit(() => herdwatch('operator', [
    'operator', '--namespace', ns.name, '--lease-namespace', ns.name, '--lease-name', 'herdwatch-operator', '--identity', 'sre-operator-0',
    '--host', '127.0.0.1', '--port', String(port(6)),
  ]));
  let traffic: ReturnType<typeof liveTraffic> | undefined;
  let startedAt = 0;

  const firing = async (alertname: string, labels: Record<string, string> = {}) => {
    const alerts = await amAlerts(am);
    return alerts.find((a) => a.labels.alertname === alertname && a.status.state === 'active'
      && Object.entries(labels).every(([k, v]) => a.labels[k] === v));
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hw-sre-'));
    await createTopics(testKafka(topics), topics);
    // Alertmanager forwards to this webhook: what a pager would receive.
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        delivered.push(...(JSON.parse(body) as { alerts: AmAlert[] }).alerts);
        res.end();
      });
    });
    await new Promise<void>((r) => webhook.listen(port(5), '127.0.0.1', r));
    procs.push(await startAlertmanager(join(dir, 'am'), port(4), `http://127.0.0.1:${port(5)}/hook`));
    failing = createServer((req, res) => {
      failingRequests++;
      req.resume();
      req.on('end', () => res.writeHead(500).end('receiver down'));
    });
    await new Promise<void>((r) => failing.listen(port(8), '127.0.0.1', r));

    const kafka = ['--kafka-brokers', process.env.KAFKA_BROKERS ?? '', '--events-topic', topics.events, '--alerts-topic', topics.alerts, '--trends-topic', topics.trends];
    procs.push(herdwatch('api', ['api', '--bus', 'kafka', ...kafka, '--host', '127.0.0.1', '--port', String(port(1)), '--rate-limit', '0', '--log-level', 'warn', '--group-lag', '2s']));
    detector = herdwatch('detector', ['detector', '--rule', rule, '--rule-file', ruleFile, ...kafka, '--start-from', 'earliest', '--idle-advance', '1s', '--host', '127.0.0.1', '--port', String(port(2))]);
    procs.push(detector);
    // The notifier (outbox in memory) delivers the rule's alerts: to this Alertmanager, and to the failing webhook,
    // retried on the Standard Webhooks schedule shrunk 1000× so failures keep coming for about two minutes.
    procs.push(herdwatch('notifier', ['notifier', ...kafka.filter((a) => a !== '--trends-topic' && a !== topics.trends), '--rules', ruleFile,
      '--alertmanager-url', am, '--webhook-allow-cidrs', '127.0.0.0/8', '--retry-scale', '0.001', '--host', '127.0.0.1', '--port', String(port(7)), '--log-level', 'warn'],
    { HERDWATCH_SECRET_SRE_HOOK_URL: `http://127.0.0.1:${port(8)}/hook`, HERDWATCH_SECRET_SRE_HOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }));
    await waitFor('the API', () => httpOk(`${api}/healthz`), 90_000, 500, procs);
    await waitFor('the detector', () => httpOk(`http://127.0.0.1:${port(2)}/healthz`), 90_000, 500, procs);
    await waitFor('the notifier', () => httpOk(`http://127.0.0.1:${port(7)}/readyz`), 90_000, 500, procs);
    // The operator on the real API server that scripts/k8s/test.sh started, reconciling one rule.
    ns = await createNamespace('sre');
    await ensureCrd();
    operator = startOperator();
    procs.push(operator);
    await waitFor('the operator', () => httpOk(`http://127.0.0.1:${port(6)}/healthz`), 90_000, 500, procs);
    // Healthy is not enough: an operator that cannot reach the API server (no kubeconfig, as when
    // the control plane failed to start) is healthy and never leads.
    await waitFor('the operator to take the lease', async () => {
      const res = await fetch(`http://127.0.0.1:${port(6)}/metrics`).catch(() => undefined);
      return /^herdwatch_operator_leader\{[^}]*\} 1$/m.test(res ? await res.text() : '') ? true : undefined;
    }, 60_000, 500, [operator]);
    await kubectlOk(['apply', '-n', ns.name, '-f', '-'], JSON.stringify(herdRule('sre-surge')));
    procs.push(await startPrometheus(join(dir, 'prom'), port(3), {
      api: `127.0.0.1:${port(1)}`, detector: `127.0.0.1:${port(2)}`, operator: `127.0.0.1:${port(6)}`, notifier: `127.0.0.1:${port(7)}`,
    }, rulesYaml(rulesFile(TEST_TUNING)), port(4)));

    expect(await sendHistory(api)).toBeGreaterThan(30_000);
    startedAt = Math.floor(Date.now() / 1000);
    traffic = liveTraffic(api);
  });

  afterAll(async () => {
    // The whole run, faults included, as the docs' panel previews (make sre-previews draws them).
    if (startedAt) await snapshotPanels(prom, startedAt).catch((err: unknown) => console.error(`panel snapshot failed: ${String(err)}`));
    await traffic?.stop();
    for (const p of procs.reverse()) await p.stop();
    await new Promise((r) => webhook?.close(r));
    await new Promise((r) => failing?.close(r));
    await ns?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('Prometheus scrapes every HerdWatch process, each with its component label', async () => {
    const up = await waitFor('both targets up', async () => {
      const r = await promQuery(prom, 'count by (component) (herdwatch_process_start_time_seconds)');
      return r.length >= 4 ? r : undefined;
    }, 60_000, 1000, procs);
    expect(up.map((s) => s.metric.component).sort()).toEqual(['api', 'detector', 'notifier', 'operator']);
  });

  it('every dashboard panel query is valid PromQL and returns data, unless the panel says why it may be empty', async () => {
    // The surge in the history fires before the panels are read.
    await waitFor('the surge alert of P3', async () => {
      const r = await promQuery(prom, 'sum(herdwatch_detector_transitions_total{state="firing"})');
      return Number(r[0]?.value?.[1] ?? 0) > 0 ? true : undefined;
    }, 120_000, 1000, procs);
    const missing = new Map<string, string>();
    const end = Math.floor(Date.now() / 1000);
    for (const d of DASHBOARDS) {
      for (const p of panels(d)) {
        for (const q of p.queries) {
          const expr = concrete(q.expr);
          // A range query, as Grafana draws the panel, over the last three minutes; retried a while for slow starters.
          const result = await waitFor(`${d.title} / ${p.title}`, async () => {
            const r = await promQuery(prom, expr, { start: end - 180, end: Math.floor(Date.now() / 1000), step: 2 });
            return r.length > 0 || p.emptyWhen ? r : undefined;
          }, 30_000, 2000).catch(() => [] as PromSeries[]);
          if (result.length === 0 && !p.emptyWhen) missing.set(`${d.title} / ${p.title}`, expr);
        }
      }
    }
    expect(Object.fromEntries(missing), missing.size > 0 ? `panels without data; the processes' logs:\n${logTails(procs, 1500)}` : '').toEqual({});
  });

  it('a broken dashboard query would be caught: Prometheus itself refuses invalid PromQL', async () => {
    await expect(promQuery(prom, 'sum by (rule (rate(herdwatch_detector_events_total[1m]))')).rejects.toThrow(/refused/);
  });

  it('bad events fire HerdWatchIngestErrors, and it reaches Alertmanager and its receiver', async () => {
    expect(await firing('HerdWatchIngestErrors')).toBeUndefined();
    const stopAt = Date.now() + 20_000;
    const alert = await waitFor('HerdWatchIngestErrors in Alertmanager', async () => {
      if (Date.now() < stopAt) await sendBadEvents(api, 20);
      return firing('HerdWatchIngestErrors', { component: 'api', severity: 'warning' });
    }, 90_000, 1000, procs);
    expect(alert.annotations.runbook_url).toMatch(/runbooks\.md#herdwatchingesterrors$/);
    await waitFor('the webhook to get it', async () => delivered.find((a) => a.labels.alertname === 'HerdWatchIngestErrors'), 30_000);
  });

  it('a failing channel fires HerdWatchNotificationFailures, and its waiting deliveries HerdWatchOutboxStuck, in Alertmanager', async () => {
    // The surge alert reaches the notifier, which sends it on to Alertmanager (a working channel) ...
    await waitFor('the surge, delivered by the notifier to Alertmanager', async () => (await amAlerts(am)).find((a) => a.labels.alertname === 'HerdWatchSurge'), 120_000, 1000, procs);
    // ... and to the webhook, which keeps answering 500.
    await waitFor('the notifier to try the failing webhook', async () => (failingRequests > 0 ? true : undefined), 60_000, 500, procs);
    const failures = await waitFor('HerdWatchNotificationFailures in Alertmanager', () => firing('HerdWatchNotificationFailures', { channel: 'webhook' }), 90_000, 1000, procs);
    expect(failures.labels).toMatchObject({ component: 'notifier', severity: 'warning' });
    expect(failures.annotations.runbook_url).toMatch(/runbooks\.md#herdwatchnotificationfailures$/);
    const stuck = await waitFor('HerdWatchOutboxStuck in Alertmanager', () => firing('HerdWatchOutboxStuck', { channel: 'webhook' }), 120_000, 1000, procs);
    expect(stuck.labels.severity).toBe('critical');
    await waitFor('the pager webhook to get both', async () => {
      const names = new Set(delivered.map((a) => a.labels.alertname));
      return names.has('HerdWatchNotificationFailures') && names.has('HerdWatchOutboxStuck') ? true : undefined;
    }, 30_000);
    // The working channel is not reported.
    expect(await firing('HerdWatchNotificationFailures', { channel: 'alertmanager' })).toBeUndefined();
  }, 300_000);

  it('a stopped detector fires HerdWatchDetectorLag (seen by the broker) and HerdWatchTargetAbsent', async () => {
    // Silent while the detector keeps up (on a busy machine it may lag after the history burst: wait that out).
    await waitFor('no HerdWatchDetectorLag while the detector runs', async () => ((await firing('HerdWatchDetectorLag')) ? undefined : true), 90_000, 1000);
    await detector.stop('SIGKILL');
    const lag = await waitFor('HerdWatchDetectorLag in Alertmanager', () => firing('HerdWatchDetectorLag'), 90_000, 1000, procs)
      .catch(async (err: unknown) => {
        const seen = await promQuery(prom, 'herdwatch_consumer_group_lag_seconds or herdwatch_consumer_group_lag_offsets');
        throw new Error(`${String(err)}\ngroup lag in Prometheus: ${JSON.stringify(seen.map((s) => [s.metric, s.value]))}`);
      });
    expect(lag.labels.group).toBe('herdwatch-detector-sre-sre-surge');
    const absent = await waitFor('HerdWatchTargetAbsent{component="detector"}', () => firing('HerdWatchTargetAbsent', { component: 'detector' }), 60_000, 1000);
    expect(absent.labels.severity).toBe('critical');
  }, 280_000);

  it('an operator that cannot take the leader lease fires HerdWatchNoLeader', async () => {
    // Silent while the operator leads. A replica that lost its lease on a busy machine exits and
    // is restarted (restartOnExit), and then leads again: wait that out, and say it happened.
    await waitFor('no HerdWatchNoLeader while the operator leads', async () => ((await firing('HerdWatchNoLeader')) ? undefined : true), 60_000, 1000, [operator]);
    if (operator.restarts > 0) console.warn(`the operator was restarted ${operator.restarts} time(s) before the NoLeader test:\n${operator.log.join('').slice(-4000)}`);
    // A replica that died holding the lease: the restarted operator waits for it, and nobody reconciles.
    await operator.stop();
    const renew = new Date().toISOString().replace('Z', '000Z');
    await kubectlOk(['apply', '--server-side', '--force-conflicts', '--field-manager=sre-test', '-n', ns.name, '-f', '-'], JSON.stringify({
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'herdwatch-operator' },
      spec: { holderIdentity: 'ghost-replica', leaseDurationSeconds: 3600, acquireTime: renew, renewTime: renew },
    }));
    operator = startOperator();
    procs.push(operator);
    const alert = await waitFor('HerdWatchNoLeader in Alertmanager', () => firing('HerdWatchNoLeader', { component: 'operator' }), 90_000, 1000, procs);
    expect(alert.labels.severity).toBe('critical');
  });

  it('stopped traffic fires HerdWatchNoEvents for the events topic', async () => {
    expect(await firing('HerdWatchNoEvents')).toBeUndefined();
    await traffic?.stop();
    traffic = undefined;
    const alert = await waitFor('HerdWatchNoEvents in Alertmanager', () => firing('HerdWatchNoEvents', { topic: topics.events }), 120_000, 1000, procs);
    expect(alert.annotations.summary).toBe(`Topic ${topics.events} receives no events`);
  });
});

async function snapshotPanels(prom: string, start: number): Promise<void> {
  const end = Math.floor(Date.now() / 1000);
  const step = Math.max(1, Math.round((end - start) / 200));
  const snapshot: Record<string, { title: string; unit: string; series: { legend: string; values: [number, number][] }[] }[]> = {};
  for (const d of DASHBOARDS) {
    snapshot[d.file] = [];
    for (const p of panels(d)) {
      const series: { legend: string; values: [number, number][] }[] = [];
      for (const q of p.queries) {
        for (const s of await promQuery(prom, concrete(q.expr), { start, end, step })) {
          series.push({ legend: legendOf(q.legend, s.metric), values: (s.values ?? []).map(([t, v]) => [t, Number(v)]) });
        }
      }
      snapshot[d.file]!.push({ title: p.title, unit: p.unit, series });
    }
  }
  await mkdir(SNAPSHOT_DIR, { recursive: true });
  await writeFile(join(SNAPSHOT_DIR, 'panels.json'), JSON.stringify(snapshot));
}

function legendOf(format: string | undefined, labels: Record<string, string>): string {
  if (!format) return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(' ') || 'value';
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => labels[k] ?? '').trim();
}
