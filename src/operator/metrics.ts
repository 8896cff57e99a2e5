import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ReconcileResult = 'success' | 'error' | 'invalid';

/** Operator metrics. Labels are bounded: the result only, never the rule name. */
export class OperatorMetrics {
  readonly operations: Counter<'result'>;
  readonly errors: Counter;
  readonly duration: Histogram<'result'>;
  readonly leader: Gauge;
  readonly queueDepth: Gauge;
  readonly watchRestarts: Counter<'resource'>;

  constructor(readonly registry: Registry = new Registry(), opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics) {
      // Same prefix and `component` label as every other process, so one Resources dashboard and one absent() alert cover them all.
      registry.setDefaultLabels({ component: 'operator' });
      collectDefaultMetrics({ register: registry, prefix: 'herdwatch_' });
    }
    this.operations = new Counter({ name: 'herdwatch_reconcile_operations_total', help: 'Reconciles of HerdRules, by result', labelNames: ['result'], registers: [registry] });
    this.errors = new Counter({ name: 'herdwatch_reconcile_errors_total', help: 'Reconciles that failed and were requeued with backoff', registers: [registry] });
    this.duration = new Histogram({
      name: 'herdwatch_reconcile_duration_seconds', help: 'Time to reconcile one HerdRule', labelNames: ['result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
    });
    this.leader = new Gauge({ name: 'herdwatch_operator_leader', help: '1 while this replica holds the leader lease', registers: [registry] });
    this.queueDepth = new Gauge({ name: 'herdwatch_operator_queue_depth', help: 'Rules waiting to be reconciled', registers: [registry] });
    this.watchRestarts = new Counter({ name: 'herdwatch_operator_watch_restarts_total', help: 'Watch connections (re)started, by resource', labelNames: ['resource'], registers: [registry] });
    for (const result of ['success', 'error', 'invalid'] satisfies ReconcileResult[]) this.operations.inc({ result }, 0);
  }

  async operationCount(result?: ReconcileResult): Promise<number> {
    const m = await this.operations.get();
    return m.values.filter((v) => result === undefined || v.labels.result === result).reduce((a, v) => a + v.value, 0);
  }
}
