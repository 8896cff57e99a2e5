import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { herdwatch, launchBrowser, newPage, ROOT, shot, startDev, type DevServer } from './harness.js';

// The repository's copy of the sample export (../shared/data/transactions.csv).
const CSV = join(ROOT, 'src', 'events', 'testdata', 'transactions.csv');

let dev: DevServer;
let browser: Browser;
let page: Page;
/** The drill-down of the first demo surge (set by the first test). */
let drillHref: string | undefined;

beforeAll(async () => {
  // 120× event time: the first demo surge (15 min of event time) fires within seconds.
  dev = await startDev(['--speed', '120', '--surge-every', '10']);
  browser = await launchBrowser();
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
});

describe('the web app against herdwatch dev', () => {
  it('shows a demo surge in the live feed, and its drill-down chart has data with the firing marked', async () => {
    await page.goto(dev.url);
    await page.getByRole('heading', { name: 'Trending now' }).waitFor();
    const firing = page.locator('.feed-item[data-state="firing"][data-rule="default/any-product-surge"]').first();
    await firing.waitFor({ timeout: 90_000 });
    const key = await firing.getAttribute('data-key');
    expect(key).toMatch(/^sku-/);
    // The live view updates from the stream without a reload: the stream status says so.
    expect(await page.getByRole('status').filter({ hasText: 'Live' }).count()).toBe(1);
    await page.waitForTimeout(1_500);
    // People fills from the trending entries themselves (the engine's distinct actors), not only from alerts.
    const trending = await (await fetch(`${dev.url}/api/v1/trending?limit=20`)).json() as { rules: { entries: { key: string; actors?: number }[] }[] };
    const withPeople = trending.rules.flatMap((r) => r.entries).filter((e) => e.actors !== undefined);
    expect(withPeople.length).toBeGreaterThan(0);
    const shown = (await page.locator('td[data-people]').evaluateAll((els) => els.map((e) => e.getAttribute('data-people')))).filter((p) => p !== '');
    expect(shown.length).toBeGreaterThan(0);
    await shot(page, 'live');

    // The feed keeps moving as alerts arrive, so follow the link's address rather than chase the element.
    const href = await page.locator(`.feed-item[data-state="firing"][data-key="${key}"] a.feed-key`).first().getAttribute('href');
    expect(href).toMatch(/^\/alerts\//);
    await page.goto(`${dev.url}${href}`);
    const table = page.locator('[data-testid="drill-chart"] table[data-points]');

    await expect.poll(async () => Number(await table.getAttribute('data-points', { timeout: 1_000 }).catch(() => 0)), { timeout: 30_000 }).toBeGreaterThan(0);
    const points = Number(await table.getAttribute('data-points'));
    expect(points).toBeGreaterThan(10);
    // The firing is marked on the chart (the marks are listed in the table behind the canvas).
    expect(await table.locator('tfoot tr[data-mark="firing"]').count()).toBeGreaterThanOrEqual(1);
    // Counts in the window are not all zero: the surge is in the data.
    const counts = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(counts.map(Number).some((c) => c > 0)).toBe(true);
    await page.getByRole('heading', { name: 'The numbers behind the decision' }).waitFor();
    await page.getByText('Why').waitFor();
    await shot(page, 'drill-down', true);
    drillHref = href!;
  });

  it('acknowledges an alert in the drill-down (still acknowledged after a reload), and a rule silence is listed', async () => {
    expect(drillHref).toBeDefined();
    await page.goto(`${dev.url}${drillHref}`);
    const rule = /Rule (\S+)/.exec(await page.getByText(/^Rule /).textContent() ?? '')?.[1];
    expect(rule).toMatch(/^default\//);
    const ack = page.getByRole('button', { name: 'Acknowledge for 4 h' });
    await ack.click();
    await page.getByTestId('acked').waitFor();
    await page.reload();
    // Stored by the notifier: after a reload the drill-down still says so, and offers no second ack.
    await expect.poll(async () => (await page.getByTestId('acked').textContent({ timeout: 5_000 }).catch(() => '')) ?? '', { timeout: 15_000 }).toMatch(/^Acknowledged/);
    expect(await ack.count()).toBe(0);
    const list = page.getByRole('list', { name: 'Silences in force' });
    await expect.poll(async () => (await list.getByRole('listitem').allTextContents()).join('|')).toMatch(/this alert \(acknowledged\)/);

    await page.getByLabel('Silence what').selectOption('rule');
    await page.getByLabel('Silence for').selectOption('4h');
    await page.getByRole('button', { name: 'Silence', exact: true }).click();
    await list.locator('li[data-kind="silence"]').filter({ hasText: `every alert of ${rule!} ` }).waitFor();
    await page.reload();
    await list.locator('li[data-kind="silence"]').filter({ hasText: `every alert of ${rule!} ` }).waitFor();
    // The API lists it too, for the whole rule.
    const silences = await (await fetch(`${dev.url}/api/v1/silences`)).json() as { silences: { kind: string; rule?: string; alertId?: string }[] };
    expect(silences.silences.some((x) => x.kind === 'silence' && x.rule === rule && x.alertId === undefined)).toBe(true);
    await page.locator('.alert-actions').scrollIntoViewIfNeeded();
    await shot(page, 'alert-actions');
  });

  it('a backtest preview lists the alerts that herdwatch replay gives for the same data', async () => {
    await herdwatch(['replay', CSV, '--to', dev.url]);
    const replayed = (await herdwatch(['replay', CSV, '--rules', 'k8s/examples', '--json'])).trim().split('\n')
      .map((l) => JSON.parse(l) as { state: string; rule: string; key: string; onset: number; id: string })
      .filter((t) => t.state === 'firing' && t.rule === 'default/high-amount');
    expect(replayed.length).toBeGreaterThan(0);
    const csvEnd = Math.max(...replayed.map((t) => t.onset)) + 3_600_000;

    await page.goto(`${dev.url}/rules/default/high-amount`);
    await page.getByRole('heading', { name: 'Backtest preview' }).waitFor();
    await page.getByLabel('Over the last').selectOption({ label: 'all history' });
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.getByTestId('backtest-summary').waitFor({ timeout: 60_000 });
    const items = page.getByRole('list', { name: 'Backtest alerts' }).getByRole('listitem');
    const ids = await Promise.all((await items.all()).map(async (li) => (await li.getAttribute('data-alert-id')) ?? ''));
    // The simulator's traffic is in the history too; within the sample's time the two agree exactly.
    const inSample = ids.filter((id) => Number(id.slice(id.lastIndexOf(':') + 1)) <= csvEnd).sort();
    expect(inSample).toEqual(replayed.map((t) => t.id).sort());
    await page.evaluate("document.querySelector('.backtest').scrollIntoView({ block: 'start' }); window.scrollBy(0, -70)");
    await shot(page, 'backtest');
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'rule-editor');
  });

  it('the transactions view\'s revenue for the sample export equals the sum of its amounts', async () => {
    // The export was sent to this dev instance by the backtest test above.
    const rows = (await readFile(CSV, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
    const sum = rows.reduce((n, r) => n + Number(r[2]), 0);
    await page.goto(`${dev.url}/transactions`);
    await page.getByLabel('From', { exact: true }).fill('2025-09-30T00:00');
    await page.getByLabel('To', { exact: true }).fill('2025-10-01T00:00');
    const revenue = page.getByTestId('revenue');
    await expect.poll(async () => Number(await revenue.getAttribute('data-value')), { timeout: 30_000 }).toBe(sum);
    expect(Number(await page.getByTestId('orders').getAttribute('data-value'))).toBe(rows.length);
    await shot(page, 'transactions', true);
  });

  it('creates a rule through the generated form; the list shows it and the audit trail says who', async () => {
    await page.goto(`${dev.url}/rules/new`);
    await page.getByLabel('Name', { exact: true }).fill('web-made-surge');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.waitForURL(/\/rules\/default\/web-made-surge$/);
    await page.goto(`${dev.url}/rules`);
    await page.getByRole('link', { name: 'default/web-made-surge' }).waitFor();
    await page.getByText('anonymous create default/web-made-surge').waitFor();
    await shot(page, 'rules', true);
  });

  it('works at phone width and in the dark theme too', async () => {
    const phone = await newPage(browser, { width: 390, height: 844, dark: true });
    await phone.goto(dev.url);
    await phone.getByRole('heading', { name: 'Trending now' }).waitFor();
    await phone.waitForTimeout(1_500);
    await shot(phone, 'live-phone-dark');
    // Nothing is wider than the phone: no sideways scrolling of the page.
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
