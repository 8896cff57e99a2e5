import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createKafkaDetectorMetrics } from '../src/detector/kafka/metrics.js';
import { createApiMetrics } from '../src/metrics/api.js';
import { ConsumerProgress } from '../src/metrics/consumer.js';
import { createDetectorMetrics } from '../src/metrics/detector.js';
import { GroupLagMonitor } from '../src/metrics/group-lag.js';
import { createRegistry } from '../src/metrics/registry.js';
import { createNotifierMetrics } from '../src/notifier/metrics.js';
import { MemoryNotifierStore } from '../src/store/notify/memory.js';
import { OperatorMetrics } from '../src/operator/metrics.js';
import { alertRules } from './alerts/rules.js';
import { DASHBOARDS } from './dashboards/build.js';
import { panels } from './dashboards/spec.js';


async function exported(): Promise<Set<string>> {
  const registry = createRegistry({ defaultMetrics: true });
  createApiMetrics(registry);
  createDetectorMetrics(registry);
  createKafkaDetectorMetrics(registry);
  new ConsumerProgress(registry, 'r');
  new GroupLagMonitor({ admin: () => ({}) } as unknown as Kafka, registry);
  // The outbox gauges read the store at scrape time: an empty in-memory one.
  createNotifierMetrics(registry, new MemoryNotifierStore());
  const names = new Set<string>();
  const operator = new OperatorMetrics(undefined, { defaultMetrics: true });
  for (const r of [registry, operator.registry]) {
    for (const m of await r.getMetricsAsJSON()) {
      names.add(m.name);
      if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
    }
  }
  return names;
}

const used = (expr: string) => expr.match(/\bherdwatch_[a-z0-9_]+/g) ?? [];

describe('dashboards and alerts', () => {
  it('query only metrics that HerdWatch processes export (a renamed metric breaks this, not a dashboard at 3 am)', async () => {
    const names = await exported();
    const unknown = new Set<string>();
    for (const d of DASHBOARDS) for (const p of panels(d)) for (const q of p.queries) for (const n of used(q.expr)) if (!names.has(n)) unknown.add(`${d.file}/${p.title}: ${n}`);
    for (const r of alertRules()) for (const n of used(r.expr)) if (!names.has(n)) unknown.add(`${r.alert}: ${n}`);
    expect([...unknown]).toEqual([]);
  });

  it('each alert has a runbook section that its runbook_url points at', async () => {
    const runbooks = await readFile(join(import.meta.dirname, '..', 'docs', 'runbooks.md'), 'utf8');
    const sections = new Set([...runbooks.matchAll(/^## (\w+)$/gm)].map((m) => m[1]));
    for (const r of alertRules()) expect(sections.has(r.alert), `docs/runbooks.md lacks "## ${r.alert}"`).toBe(true);
  });

  it('each panel says what it answers, and its unit', () => {
    for (const d of DASHBOARDS) {
      for (const p of panels(d)) {
        expect(p.answers.length, `${d.file}/${p.title}`).toBeGreaterThan(20);
        expect(p.unit, `${d.file}/${p.title}`).not.toBe('');
        expect(p.queries.length).toBeGreaterThan(0);
      }
    }
    expect(DASHBOARDS.map((d) => d.file)).toEqual(['overview', 'pipeline', 'api', 'operator', 'resources']);
  });
});
