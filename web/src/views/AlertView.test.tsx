import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Series, Silence } from '../api/types';
import { AlertView, alignExpected, thresholdLine } from './AlertView';

// jsdom has no canvas: the chart's numbers are asserted through the table behind it.
vi.mock('uplot', () => ({
  default: class {
    setData(): void {}
    setSize(): void {}
    destroy(): void {}
  },
}));

// A busy machine (make test runs suites side by side) can take seconds to render.
const SLOW = { timeout: 15_000 };
const ID = 'file:shop/surge:P3:600000';
const series: Series = {
  rule: 'shop/surge', key: 'P3', detector: 'surge', bucketMs: 10_000, windowMs: 120_000,
  points: [
    { t: 590_000, bucket: 2, window: 30 },
    { t: 600_000, bucket: 20, window: 48 },
    { t: 610_000, bucket: 30, window: 78 },
    // More than a window after the last snapshot: no band is drawn there.
    { t: 900_000, bucket: 1, window: 20 },
  ],
  expected: [{ t: 590_000, baseline: 25, low: 16.5, high: 35, threshold: 75, dispersion: 1.4 }],
  threshold: { minLift: 3, minEvents: 30, sensitivity: 4 },
  transitions: [{
    id: ID, state: 'firing', ruleUid: 'file:shop/surge', rule: 'shop/surge', detector: 'surge', severity: 'warning', key: 'P3',
    onset: 600_000, at: 610_000, value: 78, baseline: 25, lift: 3.1, score: 5, reason: 'P3: 78 weighted events in 2m',
  }],
  byType: { view: 70, add_to_cart: 3 }, byRegion: {},
};

function serve(silences: Silence[], acked?: { by: string; until: number }) {
  const posted: { url: string; body: unknown }[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init?: { method?: string; body?: string }) => {
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (init?.method === 'POST') {
      posted.push({ url, body: JSON.parse(init.body ?? '{}') });
      return json(201, { silence: { id: 's-new', kind: 'silence', createdAt: 0, until: 1 } });
    }
    if (url.startsWith('/api/v1/series')) return json(200, series);
    if (url === '/api/v1/silences') return json(200, { silences });
    if (url.startsWith('/api/v1/alerts/')) return json(200, { alert: { id: ID, rule: 'shop/surge', key: 'P3', state: 'firing', ...(acked ? { ackedBy: acked.by, ackedUntil: acked.until } : {}) } });
    if (url === '/api/v1/me') return json(200, { authenticated: true, tokensRequired: false, roles: ['edit'], user: 'alice', rulesBackend: 'memory' });
    return json(404, { code: 'HW_ERR_NOT_FOUND', message: 'no' });
  }));
  return posted;
}

function renderView() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(<QueryClientProvider client={client}><AlertView id={ID} /></QueryClientProvider>);
}

afterEach(() => vi.unstubAllGlobals());

describe('the drill-down chart', () => {
  it('draws the expected band and the engine\'s firing level, not just a line', async () => {
    serve([]);
    renderView();
    const table = (await screen.findByText(/Weighted count per/, { selector: 'caption' }, SLOW)).closest('table')!;
    const header = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(header).toEqual(['time', 'count in window', 'expected', 'normal range, high', 'normal range, low', 'firing threshold']);
    const rows = within(table).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell').slice(1).map((c) => c.textContent));
    // The surge bucket: 78 against 25 expected, normal up to 35, fires from 75.
    expect(rows[2]).toEqual(['78', '25', '35', '16.5', '75']);
    // A window after the last snapshot there is no expectation to draw.
    expect(rows[3]).toEqual(['20', '', '', '', '']);
    expect(screen.getByText(/the range the engine treats as normal/)).toBeTruthy();
  });

  it('falls back to minLift × expected when the engine gave no threshold', () => {
    const s = { ...series, expected: [{ t: 590_000, baseline: 5 }] };
    expect(thresholdLine(s, alignExpected(s)).slice(0, 2)).toEqual([30, 30]);
  });
});

describe('acknowledge and silence', () => {
  it('shows who acknowledged, and lists the silences that apply with their scope', async () => {
    serve([
      { id: 's1', kind: 'silence', rule: 'shop/surge', createdAt: 0, until: 4_000_000_000_000, by: 'alice' },
      { id: 's2', kind: 'silence', rule: 'shop/other', createdAt: 0, until: 4_000_000_000_000 },
    ], { by: 'bob', until: 4_000_000_000_000 });
    renderView();
    expect((await screen.findByTestId('acked', {}, SLOW)).textContent).toMatch(/^Acknowledged by bob until/);
    const list = await screen.findByRole('list', { name: 'Silences in force' }, SLOW);
    const items = within(list).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatch(/every alert of shop\/surge until .* by alice/);
  });

  it('silences the key under the rule for the chosen time', async () => {
    const posted = serve([]);
    renderView();
    await screen.findByRole('button', { name: 'Acknowledge for 4 h' }, SLOW);
    fireEvent.change(screen.getByLabelText('Silence what'), { target: { value: 'key' } });
    fireEvent.change(screen.getByLabelText('Silence for'), { target: { value: '4h' } });
    fireEvent.click(screen.getByRole('button', { name: 'Silence' }));
    await vi.waitFor(() => expect(posted).toHaveLength(1), SLOW);
    expect(posted[0]!.url).toBe('/api/v1/silences');
    expect(posted[0]!.body).toMatchObject({ kind: 'silence', rule: 'shop/surge', key: 'P3', for: '4h' });
  });
});
