import { describe, expect, it } from 'vitest';
import { createRegistry } from '../metrics/registry.js';
import { loadRuleFiles } from '../rules/index.js';
import { startInProcess } from './pipeline.js';

const RULES = new URL('../../k8s/examples', import.meta.url).pathname;

describe('the in-process pipeline (API → memory bus → runner → store)', () => {
  it('an event posted to the API comes back as an alert on /api/v1/alerts and the stream store', async () => {
    const registry = createRegistry();
    const t0 = Date.UTC(2026, 0, 1, 12);
    const stack = await startInProcess({ rules: await loadRuleFiles(RULES), registry, clock: () => t0 });
    try {
      const post = await stack.app.inject({
        method: 'POST', url: '/api/v1/events',
        payload: [{ type: 'purchase', ts: t0, userId: 'U9', amount: 75_000, location: 'Pune' }, { type: 'view', ts: t0, productId: 'sku-1', category: 'sneakers' }],
      });
      expect(post.statusCode).toBe(202);
      await stack.bus.drain();
      // The threshold rule decides when its 1m bucket closes: move event time past it.
      stack.runner.tick(t0 + 2 * 60_000);
      await stack.runner.settled();
      const { alerts } = (await stack.app.inject('/api/v1/alerts?rule=high-amount')).json() as { alerts: { key: string; state: string; value: number }[] };
      expect(alerts).toEqual([expect.objectContaining({ key: 'U9', state: 'firing', value: 75_000 })]);
      const rules = (await stack.app.inject('/api/v1/rules')).json().rules as { name: string }[];
      expect(rules.map((r) => r.name).sort()).toEqual(['any-product-surge', 'brand-surge', 'category-surge', 'high-amount', 'new-location', 'new-product-surge', 'purchase-velocity', 'sneaker-surge']);
      const metrics = await registry.metrics();
      expect(metrics).toContain('herdwatch_detector_transitions_total{rule="default/high-amount",state="firing",severity="critical"} 1');
      expect(metrics).toContain('herdwatch_ingest_events_total{type="purchase"} 1');
      // The alert is on the bus's alerts topic too, keyed by its id.
      const onTopic = stack.bus.endOffsets(stack.bus.topics.alerts).reduce((a, b) => a + b, 0);
      expect(onTopic).toBe(1);
    } finally {
      await stack.close();
    }
  });

  it('idle ticks close windows when traffic stops', async () => {
    let now = Date.UTC(2026, 0, 1, 12);
    const stack = await startInProcess({ rules: await loadRuleFiles(RULES), registry: createRegistry(), clock: () => now, eventClock: () => now, tickMs: 10 });
    try {
      await stack.app.inject({ method: 'POST', url: '/api/v1/events', payload: [{ type: 'purchase', ts: now, userId: 'U9', amount: 75_000 }] });
      now += 2 * 3_600_000;
      const resolved = async () => (stack.store.alerts({ state: 'resolved' }).length > 0);
      for (let i = 0; i < 1000 && !(await resolved()); i++) await new Promise((r) => setTimeout(r, 10));
      expect(stack.store.alerts({ state: 'resolved' })).toEqual([expect.objectContaining({ key: 'U9', rule: 'default/high-amount' })]);
    } finally {
      await stack.close();
    }
  });
});
