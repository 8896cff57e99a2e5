import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surgeTraffic } from '../kafka/traffic.js';
import { launchBrowser, newPage, ROOT, shot, startServer, type DevServer } from './harness.js';

// The production shape: `herdwatch api --bus kafka` and a `herdwatch detector`, on a real broker
// (scripts/kafka/with-broker.sh sets KAFKA_BROKERS). Topics are unique per run.
const BROKERS = process.env.KAFKA_BROKERS ?? '';
const run = `web${Date.now().toString(36)}`;
const topics = { events: `${run}.events`, alerts: `${run}.alerts`, trends: `${run}.trends`, traffic: `${run}.traffic` };
const RULE = `apiVersion: herdwatch.io/v1alpha1
kind: HerdRule
metadata: {name: sneaker-surge, namespace: shop}
spec:
  description: A sneaker suddenly trends
  source: {eventTypes: [view, add_to_cart]}
  key: productId
  weights: {view: 1, add_to_cart: 3}
  detector: {type: surge, window: 2m, bucket: 10s, baselineHalfLife: 10m, minEvents: 30, minLift: 3, sensitivity: 4, cooldown: 10m, relativeTo: none}
  severity: warning
`;

let api: DevServer;
let detector: ChildProcess;
const detectorLog: string[] = [];
let browser: Browser;
let page: Page;

const topicArgs = ['--kafka-brokers', BROKERS, '--events-topic', topics.events, '--alerts-topic', topics.alerts, '--trends-topic', topics.trends];

beforeAll(async () => {
  if (!BROKERS) throw new Error('KAFKA_BROKERS is not set: run this with `make test-web`');
  const dir = await mkdtemp(join(tmpdir(), 'hw-web-kafka-'));
  await writeFile(join(dir, 'rule.yaml'), RULE);
  api = await startServer('api', ['--bus', 'kafka', '--rules', dir, '--traffic-topic', topics.traffic, '--group-lag', 'off', ...topicArgs], 3, { HERDWATCH_KAFKA_LOG: 'none' });
  detector = spawn(process.execPath, [join(ROOT, 'dist', 'cmd', 'herdwatch.js'), 'detector', '--rule', 'shop/sneaker-surge', '--rule-file', dir,
    '--start-from', 'earliest', '--idle-advance', '1s', '--port', '0', '--host', '127.0.0.1', ...topicArgs], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HERDWATCH_KAFKA_LOG: 'none' },
  });
  detector.stdout?.on('data', (d: Buffer) => detectorLog.push(d.toString()));
  detector.stderr?.on('data', (d: Buffer) => detectorLog.push(d.toString()));
  browser = await launchBrowser();
  page = await newPage(browser);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (detector && detector.exitCode === null) {
    const exited = new Promise((resolve) => detector.once('exit', resolve));
    detector.kill('SIGTERM');
    await exited;
  }
  await api?.stop();
});

describe('the web app against herdwatch api --bus kafka', () => {
  it('a surge sent through the API shows in the drill-down with data and the firing marked, and site traffic has points', async () => {
    // An hour of traffic in event time ending about now, P3 surging 8× in minutes 40–44.
    const start = Math.floor((Date.now() - 60 * 60_000) / 10_000) * 10_000;
    const events = surgeTraffic({ start, minutes: 58, products: 8, perBucket: 3, surges: [{ product: 'P3', fromMin: 40, toMin: 44, factor: 8 }] });
    for (let i = 0; i < events.length; i += 1_000) {
      const res = await fetch(`${api.url}/api/v1/events`, {
        method: 'POST', headers: { 'content-type': 'application/x-ndjson' },
        body: events.slice(i, i + 1_000).map((e) => JSON.stringify(e)).join('\n'),
      });
      expect(res.status).toBe(202);
    }

    await page.goto(api.url);
    await page.getByRole('heading', { name: 'Trending now' }).waitFor();
    const firing = page.locator('.feed-item[data-state="firing"][data-rule="shop/sneaker-surge"]').first();
    await firing.waitFor({ timeout: 120_000 }).catch((err: unknown) => {
      throw new Error(`no firing in the feed: ${String(err)}\ndetector: ${detectorLog.join('').slice(-3_000)}\napi: ${api.log.join('').slice(-3_000)}`);
    });
    expect(await firing.getAttribute('data-key')).toBe('P3');

    // Live traffic per minute, read from the traffic topic the API publishes.
    const traffic = page.locator('[data-testid="traffic-chart"] table[data-points]');
    await expect.poll(async () => Number(await traffic.getAttribute('data-points', { timeout: 1_000 }).catch(() => 0)), { timeout: 30_000 }).toBeGreaterThan(30);
    const views = (await traffic.locator('tbody tr td:nth-child(3)').allTextContents()).map(Number);
    expect(views.some((v) => v > 0)).toBe(true);
    await shot(page, 'live-kafka');

    const href = await page.locator('.feed-item[data-state="firing"][data-key="P3"] a.feed-key').first().getAttribute('href');
    expect(href).toMatch(/^\/alerts\//);
    await page.goto(`${api.url}${href}`);
    const table = page.locator('[data-testid="drill-chart"] table[data-points]');
    // The key's counts, read on demand from P3's partition of the events topic.
    await expect.poll(async () => Number(await table.getAttribute('data-points', { timeout: 1_000 }).catch(() => 0)), { timeout: 60_000 }).toBeGreaterThan(100);
    expect(await table.locator('tfoot tr[data-mark="firing"]').count()).toBeGreaterThanOrEqual(1);
    const windowCounts = (await table.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
    expect(Math.max(...windowCounts)).toBeGreaterThan(0);
    // The breakdown is P3's own: views and add-to-carts only.
    await page.getByRole('heading', { name: 'By event type' }).waitFor();
    await shot(page, 'drill-down-kafka', true);

    // The same numbers through the API: the surge is in the series, well above its start.
    const id = decodeURIComponent(href!.slice('/alerts/'.length));
    const series = await (await fetch(`${api.url}/api/v1/series?alert=${encodeURIComponent(id)}&hours=3`)).json() as { points: { t: number; window: number }[]; byType: Record<string, number> };
    const onset = Number(id.slice(id.lastIndexOf(':') + 1));
    const before = series.points.filter((p) => p.t < onset - 10 * 60_000).map((p) => p.window);
    const during = series.points.filter((p) => p.t >= onset && p.t < onset + 4 * 60_000).map((p) => p.window);
    expect(Math.max(...during)).toBeGreaterThan(3 * Math.max(...before));
    expect(Object.keys(series.byType).sort()).toEqual(['add_to_cart', 'view']);
  });
});
