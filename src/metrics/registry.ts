import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Each process owns one registry (tests create their own, so nothing leaks between them).
 * Every metric is named `herdwatch_*`, in base units, with labels from a bounded set:
 * rule, type, code, state, severity, route, method, status — never a product or user id.
 */
export function createRegistry(opts: { defaultMetrics?: boolean; labels?: Record<string, string> } = {}): Registry {
  const registry = new Registry();
  if (opts.labels) registry.setDefaultLabels(opts.labels);
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'herdwatch_' });
  return registry;
}

export type { Registry };
