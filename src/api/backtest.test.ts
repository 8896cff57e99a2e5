import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTransactionsCsv } from '../events/index.js';
import { EventHistory } from '../store/history.js';
import { historySource } from './routes/backtest.js';
import { testApi, type TestApi } from './test-helpers.js';

// Two API replicas over the same events, sharing nothing (as two pods behind a Service).
const history = new EventHistory();
history.add(readTransactionsCsv(readFileSync('src/events/testdata/transactions.csv', 'utf8')).events);
const spec = { source: { eventTypes: ['purchase'] }, key: 'userId', detector: { type: 'threshold', field: 'amount', above: 50_000 } };
let a: TestApi;
let b: TestApi;

interface JobLine { id: string; state: string; progress: { events: number; total: number }; alerts?: { id: string; state: string }[]; error?: { code: string } }
const lines = (body: string): JobLine[] => body.trim().split('\n').map((l) => JSON.parse(l) as JobLine);

beforeAll(async () => {
  a = await testApi({ backtest: { source: historySource(history) } });
  b = await testApi({ backtest: { source: historySource(history) } });
});
afterAll(async () => {
  await a.app.close();
  await b.app.close();
});

async function polled(api: TestApi): Promise<JobLine> {
  const started = await api.app.inject({ method: 'POST', url: '/api/v1/backtests', payload: { spec, hours: 43_800 } });
  expect(started.statusCode).toBe(202);
  for (;;) {
    const job = (await api.app.inject({ method: 'GET', url: `/api/v1/backtests/${started.json<JobLine>().id}` })).json<JobLine>();
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('backtests behind several API replicas', () => {
  it('streams progress and the result over the one request, and it equals the polled job', async () => {
    const res = await b.app.inject({ method: 'POST', url: '/api/v1/backtests/stream', payload: { spec, hours: 43_800 } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const all = lines(res.body);
    expect(all[0]!.state).toBe('running');
    const last = all[all.length - 1]!;
    expect(last.state).toBe('done');
    expect(last.progress.events).toBe(last.progress.total);
    expect(last.progress.total).toBe(history.size);
    const ids = (j: JobLine) => (j.alerts ?? []).map((t) => `${t.id}|${t.state}`);
    expect(ids(last).length).toBeGreaterThan(0);
    expect(ids(last)).toEqual(ids(await polled(a)));
  });

  it('a poll that reaches another replica gets a 404 that says to use the stream', async () => {
    const started = await a.app.inject({ method: 'POST', url: '/api/v1/backtests', payload: { spec, hours: 1 } });
    const other = await b.app.inject({ method: 'GET', url: `/api/v1/backtests/${started.json<JobLine>().id}` });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ code: 'HW_ERR_NOT_FOUND' });
    expect(other.json<{ message: string }>().message).toMatch(/backtests\/stream/);
  });

  it('an invalid spec is refused before anything streams', async () => {
    const res = await b.app.inject({ method: 'POST', url: '/api/v1/backtests/stream', payload: { spec: { key: 'productId', detector: { type: 'surge', minLift: -1 } }, hours: 1 } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'HW_ERR_RULE_INVALID' });
  });
});
