import { describe, expect, it } from 'vitest';
import { createApiMetrics } from './api.js';
import { ConsumerProgress } from './consumer.js';
import { createDetectorMetrics } from './detector.js';
import { createRegistry } from './registry.js';

// Labels that stay bounded: a handful of values each, never a product, user or event id.
const BOUNDED = new Set(['rule', 'partition', 'group', 'topic', 'type', 'code', 'state', 'severity', 'method', 'route', 'status']);

describe('metric definitions', () => {
  it('are all herdwatch_-prefixed, counters end in _total, and every label is from the bounded set', async () => {
    const registry = createRegistry();
    createApiMetrics(registry);
    createDetectorMetrics(registry);
    new ConsumerProgress(registry, 'r').assigned(0, 0, 0);
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.length).toBeGreaterThan(10);
    for (const m of metrics) {
      expect(m.name).toMatch(/^herdwatch_[a-z_]+$/);
      if (String(m.type) === 'counter') expect(m.name).toMatch(/_total$/);
      const labels = (registry.getSingleMetric(m.name) as unknown as { labelNames: string[] }).labelNames;
      // herdwatch_trending_lift is the one per-key gauge; the runner caps it (runner.test.ts).
      for (const l of labels) expect(BOUNDED.has(l) || (m.name === 'herdwatch_trending_lift' && l === 'key'), `${m.name} label ${l}`).toBe(true);
    }
  });

  it('process metrics, when enabled, carry the prefix too', async () => {
    const registry = createRegistry({ defaultMetrics: true });
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n.startsWith('herdwatch_'))).toBe(true);
  });
});
