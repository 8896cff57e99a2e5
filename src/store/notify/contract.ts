import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertTransition, Delivery, NotifierStore, TransactionRecord } from './types.js';

/**
 * The behaviour every NotifierStore must have. memory.test.ts runs it on the in-memory
 * store; test/notifier/store.int.test.ts on FerretDB (or MONGODB_URI).
 */

export function transition(over: Partial<AlertTransition> = {}): AlertTransition {
  return {
    id: 'uid-r:P1:1000', state: 'firing', ruleUid: 'uid-r', rule: 'shop/r', detector: 'surge', severity: 'warning', key: 'P1',
    onset: 1000, at: 2000, value: 60, baseline: 10, lift: 6, score: 9, reason: 'P1 at 6x', ...over,
  };
}

export function row(over: Partial<Delivery> = {}): Delivery {
  return {
    id: 'uid-r:P1:1000|firing|shop/r/webhook#0', alertId: 'uid-r:P1:1000', transition: 'firing', state: 'firing', channel: 'webhook',
    target: 'shop/r/webhook#0', rule: 'shop/r', ruleUid: 'uid-r', key: 'P1', status: 'pending', attempts: 0, nextAt: 0, createdAt: 100, ...over,
  };
}

function tx(id: string, ts: number, amount: number, over: Partial<TransactionRecord> = {}): TransactionRecord {
  return {
    id, ts, minute: Math.floor(ts / 60_000) * 60_000, amount, paymentMethod: 'UPI', region: 'Delhi', valueTier: amount >= 5000 ? 'Medium' : 'Low',
    productId: 'SKU1', event: { id, type: 'purchase', ts, amount }, ...over,
  };
}

export function notifierStoreContract(name: string, make: () => Promise<NotifierStore>): void {
  describe(`${name}: notifier store contract`, () => {
    let s: NotifierStore;
    beforeAll(async () => {
      s = await make();
      await s.init();
    });
    afterAll(async () => s?.close());

    it('keeps one alert per id with each transition once, in event-time order', async () => {
      await s.recordTransition(transition({ id: 'a1' }), 10);
      await s.recordTransition(transition({ id: 'a1' }), 11);
      await s.recordTransition(transition({ id: 'a1', state: 'resolved', at: 5000 }), 20);
      const a = await s.recordTransition(transition({ id: 'a1', state: 'escalated', at: 3000, lift: 12 }), 30);
      expect(a.transitions.map((t) => t.state)).toEqual(['firing', 'escalated', 'resolved']);
      expect((await s.alert('a1'))).toMatchObject({ id: 'a1', state: 'resolved', firstAt: 10, lastAt: 30 });
      expect(await s.alert('nope')).toBeUndefined();
    });

    it('pages alerts newest first and filters by rule, key, state and time', async () => {
      for (let i = 0; i < 5; i++) await s.recordTransition(transition({ id: `p${i}`, key: `K${i % 2}`, rule: 'shop/paging' }), 1000 + i);
      const first = await s.alerts({ rule: 'paging', limit: 2 });
      expect(first.alerts.map((a) => a.id)).toEqual(['p4', 'p3']);
      const second = await s.alerts({ rule: 'shop/paging', limit: 2, cursor: first.next! });
      expect(second.alerts.map((a) => a.id)).toEqual(['p2', 'p1']);
      const third = await s.alerts({ rule: 'paging', limit: 2, cursor: second.next! });
      expect(third.alerts.map((a) => a.id)).toEqual(['p0']);
      expect(third.next).toBeUndefined();
      expect((await s.alerts({ rule: 'paging', key: 'K1' })).alerts.map((a) => a.id)).toEqual(['p3', 'p1']);
      expect((await s.alerts({ rule: 'paging', from: 1002, to: 1004 })).alerts.map((a) => a.id)).toEqual(['p3', 'p2']);
      expect((await s.alerts({ rule: 'paging', state: 'resolved' })).alerts).toEqual([]);
    });

    it('enqueues each delivery once and lets one owner claim it at a time', async () => {
      expect(await s.enqueue([row({ id: 'd1' }), row({ id: 'd2', nextAt: 500 })])).toBe(2);
      expect(await s.enqueue([row({ id: 'd1' }), row({ id: 'd3', nextAt: 10_000_000 })])).toBe(1);
      const c = await s.claim('w1:a', 100, 1000);
      expect(c).toMatchObject({ id: 'd1', status: 'claimed', claimedBy: 'w1:a' });
      expect((await s.claim('w2:a', 100, 1000))).toBeUndefined(); // d2 not due, d3 far in the future
      // An expired lease can be taken over; the first owner's finish then fails.
      const again = await s.claim('w2:a', 1200, 1000);
      expect(again?.id).toBe('d1');
      expect(await s.finish('d1', 'w1:a', { status: 'sent', sentAt: 1300 })).toBe(false);
      expect(await s.finish('d1', 'w2:a', { status: 'sent', sentAt: 1300, latencyMs: 1200, response: { ts: '1.2' } })).toBe(true);
      expect(await s.delivery('d1')).toMatchObject({ status: 'sent', attempts: 1, latencyMs: 1200, response: { ts: '1.2' } });
      expect((await s.delivery('d1'))?.claimedBy).toBeUndefined();
    });

    it('retries later, skips excluded targets, and releases a restarted owner\'s claims', async () => {
      const d2 = await s.claim('w1:a', 600, 1000, { excludeTargets: ['other'] });
      expect(d2?.id).toBe('d2');
      await s.finish('d2', 'w1:a', { status: 'pending', nextAt: 5000, lastError: '500 Internal Server Error' });
      expect(await s.delivery('d2')).toMatchObject({ status: 'pending', attempts: 1, nextAt: 5000, lastError: '500 Internal Server Error' });
      await s.enqueue([row({ id: 'd4', target: 'slow' })]);
      expect(await s.claim('w1:a', 700, 1000, { excludeTargets: ['slow'] })).toBeUndefined();
      expect((await s.claim('w1:b', 700, 60_000))?.id).toBe('d4');
      expect(await s.releaseClaims('w1:')).toBe(1);
      expect((await s.claim('w1:c', 701, 60_000))?.id).toBe('d4');
    });

    it('lists an alert\'s deliveries and counts the outbox per channel', async () => {
      await s.finish('d4', 'w1:c', { status: 'dead', lastError: '410 Gone' });
      expect((await s.deliveries('uid-r:P1:1000')).map((d) => d.id)).toEqual(['d1', 'd2', 'd3', 'd4']);
      const stats = await s.outboxStats();
      expect(stats).toEqual([{ channel: 'webhook', depth: 2, dead: 1, oldestAt: 100 }]);
    });

    it('remembers a disabled target, the latest disablement winning', async () => {
      expect(await s.disabledTarget('shop/r/webhook#0')).toBeUndefined();
      await s.disableTarget({ target: 'shop/r/webhook#0', endpoint: 'e1', reason: '410 Gone', at: 10 });
      await s.disableTarget({ target: 'shop/r/webhook#0', endpoint: 'e2', reason: '410 Gone again', at: 20 });
      expect(await s.disabledTarget('shop/r/webhook#0')).toEqual({ target: 'shop/r/webhook#0', endpoint: 'e2', reason: '410 Gone again', at: 20 });
      await s.disableTarget({ target: 'shop/a/webhook#1', endpoint: 'e3', reason: '410 Gone', at: 30 });
      expect((await s.disabledTargets()).map((d) => d.target)).toEqual(['shop/a/webhook#1', 'shop/r/webhook#0']);
      expect(await s.enableTarget('shop/a/webhook#1')).toBe(true);
      expect(await s.enableTarget('shop/a/webhook#1')).toBe(false);
      expect((await s.disabledTargets()).map((d) => d.target)).toEqual(['shop/r/webhook#0']);
    });

    it('stores silences until they end', async () => {
      await s.addSilence({ id: 's1', kind: 'silence', rule: 'shop/r', createdAt: 1, until: 1000 });
      await s.addSilence({ id: 's2', kind: 'ack', alertId: 'a1', createdAt: 2, until: 5000, by: 'ana' });
      expect((await s.silences(2000)).map((x) => x.id)).toEqual(['s2']);
      expect(await s.removeSilence('s2')).toBe(true);
      expect(await s.removeSilence('s2')).toBe(false);
      expect(await s.silences(0)).toHaveLength(1);
    });

    it('rolls transactions up per minute, counting a replayed transaction once', async () => {
      const base = 1_700_000_040_000 - (1_700_000_040_000 % 60_000);
      const minutes = await s.insertTransactions([tx('t1', base + 1000, 100), tx('t2', base + 2000, 6000, { paymentMethod: 'Card', region: 'Pune', productId: 'SKU2' }), tx('t3', base + 61_000, 50)]);
      expect(minutes).toEqual([base, base + 60_000]);
      await s.insertTransactions([tx('t1', base + 1000, 100)]);
      await s.rollup(minutes);
      const r = await s.kpis(base, base + 120_000, 'minute');
      expect(r.minutes).toEqual([
        { minute: base, revenue: 6100, orders: 2, byTier: { Low: { revenue: 100, orders: 1 }, Medium: { revenue: 6000, orders: 1 } },
          byPayment: { UPI: { revenue: 100, orders: 1 }, Card: { revenue: 6000, orders: 1 } }, byRegion: { Delhi: { revenue: 100, orders: 1 }, Pune: { revenue: 6000, orders: 1 } } },
        { minute: base + 60_000, revenue: 50, orders: 1, byTier: { Low: { revenue: 50, orders: 1 } }, byPayment: { UPI: { revenue: 50, orders: 1 } }, byRegion: { Delhi: { revenue: 50, orders: 1 } } },
      ]);
      expect(r.topProducts).toEqual([{ key: 'SKU2', revenue: 6000, orders: 1 }, { key: 'SKU1', revenue: 150, orders: 2 }]);
      const hourly = await s.kpis(base, base + 120_000, 'hour');
      expect(hourly.minutes.reduce((n, b) => n + b.orders, 0)).toBe(3);
    });

    it('sweeps what expired and keeps deliveries that are not final', async () => {
      const far = Date.now() + 10 * 365 * 86_400_000;
      const r = await s.sweep(far);
      expect(r.alerts).toBeGreaterThan(0);
      expect(r.transactions).toBe(3);
      expect(r.kpis).toBe(2);
      expect(await s.alert('a1')).toBeUndefined();
      // d2 and d3 are still pending: never deleted, whatever their age.
      expect((await s.outboxStats()).find((x) => x.channel === 'webhook')?.depth).toBe(2);
    });
  });
}
