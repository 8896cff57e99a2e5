import { describe, expect, it } from 'vitest';
import { transition, row } from '../store/notify/contract.js';
import { MemoryNotifierStore } from '../store/notify/memory.js';
import { storeTransactions } from '../notifier/transactions.js';
import { testApi } from './test-helpers.js';

async function withHistory() {
  const notifications = new MemoryNotifierStore();
  const api = await testApi({ notifications });
  return { ...api, notifications };
}

describe('alert history, KPIs and silences over HTTP', () => {
  it('pages alerts newest first with filters, and 400s a cursor it did not give out', async () => {
    const { app, notifications } = await withHistory();
    for (let i = 0; i < 5; i++) await notifications.recordTransition(transition({ id: `a${i}`, key: `K${i % 2}` }), 1000 + i);
    await notifications.recordTransition(transition({ id: 'a0', state: 'resolved', at: 9000 }), 2000);
    const first = (await app.inject({ url: '/api/v1/alerts?limit=2' })).json();
    expect(first.alerts.map((t: { id: string; state: string }) => `${t.id}:${t.state}`)).toEqual(['a0:resolved', 'a4:firing']);
    const second = (await app.inject({ url: `/api/v1/alerts?limit=2&cursor=${first.next}` })).json();
    expect(second.alerts.map((t: { id: string }) => t.id)).toEqual(['a3', 'a2']);
    expect((await app.inject({ url: '/api/v1/alerts?key=K1&state=firing' })).json().alerts.map((t: { id: string }) => t.id)).toEqual(['a3', 'a1']);
    const bad = await app.inject({ url: '/api/v1/alerts?cursor=nonsense' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'HW_ERR_QUERY_INVALID', field: 'cursor' });
  });

  it('shows one alert with its deliveries and whether it is acknowledged; 404 for an unknown id', async () => {
    const { app, notifications } = await withHistory();
    await notifications.recordTransition(transition({ id: 'x1' }), 10);
    await notifications.enqueue([row({ id: 'x1|firing|shop/r/webhook#0', alertId: 'x1' }), row({ id: 'x1|firing|shop/r/slack#1', alertId: 'x1', channel: 'slack', target: 'shop/r/slack#1' })]);
    const c = await notifications.claim('w', 1_000_000, 1000);
    await notifications.finish(c!.id, 'w', { status: 'dead', lastError: '410 Gone: the receiver says this endpoint is gone' });
    const ack = await app.inject({ method: 'POST', url: '/api/v1/alerts/x1/ack', payload: { for: '1h', by: 'ana' } });
    expect(ack.statusCode).toBe(201);
    const res = await app.inject({ url: '/api/v1/alerts/x1' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.alert).toMatchObject({ id: 'x1', state: 'firing', ackedBy: 'ana' });
    expect(body.deliveries.map((d: { channel: string; status: string }) => `${d.channel}:${d.status}`).sort()).toEqual(['slack:pending', 'webhook:dead']);
    expect(body.deliveries.find((d: { status: string }) => d.status === 'dead').lastError).toMatch(/^410 Gone/);
    expect((await app.inject({ url: '/api/v1/alerts/nope' })).json()).toMatchObject({ code: 'HW_ERR_NOT_FOUND' });
  });

  it('creates, lists and ends silences, and refuses one that names nothing or is already over', async () => {
    const { app } = await withHistory();
    const created = await app.inject({ method: 'POST', url: '/api/v1/silences', payload: { rule: 'shop/r', key: 'P1', for: '2h', by: 'ops' } });
    expect(created.statusCode).toBe(201);
    const id = created.json().silence.id as string;
    expect((await app.inject({ url: '/api/v1/silences' })).json().silences).toEqual([expect.objectContaining({ id, kind: 'silence', rule: 'shop/r', key: 'P1' })]);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/silences/${id}` })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/silences/${id}` })).statusCode).toBe(404);
    const none = await app.inject({ method: 'POST', url: '/api/v1/silences', payload: { for: '1h' } });
    expect(none.json()).toMatchObject({ code: 'HW_ERR_SILENCE_INVALID' });
    const past = await app.inject({ method: 'POST', url: '/api/v1/silences', payload: { key: 'P1', until: 5 } });
    expect(past.json()).toMatchObject({ code: 'HW_ERR_SILENCE_INVALID', field: '/until' });
  });

  it('serves KPIs per minute and per hour', async () => {
    const { app, notifications } = await withHistory();
    const t0 = Date.UTC(2026, 0, 1, 10, 0);
    await storeTransactions(notifications, [
      { id: 't1', type: 'purchase', ts: t0 + 5_000, amount: 100, paymentMethod: 'UPI', location: 'Delhi', productId: 'S1' },
      { id: 't2', type: 'purchase', ts: t0 + 65_000, amount: 60_000, paymentMethod: 'Card', location: 'Pune', productId: 'S2' },
      { id: 'v1', type: 'view', ts: t0, productId: 'S1' },
    ]);
    const res = (await app.inject({ url: `/api/v1/kpis?from=${t0}&to=${t0 + 3_600_000}` })).json();
    expect(res.minutes.map((m: { minute: number; revenue: number }) => [m.minute - t0, m.revenue])).toEqual([[0, 100], [60_000, 60_000]]);
    expect(res.minutes[1].byTier).toEqual({ High: { revenue: 60_000, orders: 1 } });
    expect(res.topRegions[0]).toEqual({ key: 'Pune', revenue: 60_000, orders: 1 });
    const hourly = (await app.inject({ url: `/api/v1/kpis?from=${t0}&to=${t0 + 3_600_000}&by=hour` })).json();
    expect(hourly.minutes).toEqual([expect.objectContaining({ minute: t0, revenue: 60_100, orders: 2 })]);
    expect((await app.inject({ url: `/api/v1/kpis?from=${t0}&to=${t0}` })).json()).toMatchObject({ code: 'HW_ERR_QUERY_INVALID', field: 'from' });
  });

  it('lists targets disabled by a 410 and enables one again; 404 for a target that is not disabled', async () => {
    const { app, notifications } = await withHistory();
    await notifications.disableTarget({ target: 'shop/r/webhook#3', endpoint: 'abc', reason: '410 Gone: endpoint is gone; it is disabled', at: 5 });
    const list = await app.inject({ url: '/api/v1/disabled-targets' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ targets: [{ target: 'shop/r/webhook#3', endpoint: 'abc', reason: '410 Gone: endpoint is gone; it is disabled', at: 5 }] });
    const target = encodeURIComponent('shop/r/webhook#3');
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/disabled-targets/${target}` })).statusCode).toBe(204);
    expect(await notifications.disabledTarget('shop/r/webhook#3')).toBeUndefined();
    const again = await app.inject({ method: 'DELETE', url: `/api/v1/disabled-targets/${target}` });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ code: 'HW_ERR_NOT_FOUND' });
  });

  it('is not served without a notifier store', async () => {
    const { app } = await testApi();
    expect((await app.inject({ url: '/api/v1/kpis' })).statusCode).toBe(404);
  });
});
