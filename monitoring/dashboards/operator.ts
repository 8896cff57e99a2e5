import { RATE, type DashboardSpec } from './spec.js';

export const operator: DashboardSpec = {
  uid: 'herdwatch-operator',
  file: 'operator',
  title: 'HerdWatch / Operator',
  description: 'Are HerdRules turned into running detectors? Reconciles, errors, duration, work queue and leader.',
  rows: [{
    title: 'Reconciles',
    panels: [
      {
        title: 'Reconciles by result', unit: 'ops', stacked: true,
        answers: 'How many HerdRules were reconciled and how it went: success, error (retried with backoff), invalid (the rule is wrong).',
        queries: [{ expr: `sum by (result) (rate(herdwatch_reconcile_operations_total[${RATE}]))`, legend: '{{result}}' }],
      },
      {
        title: 'Reconcile errors', unit: 'ops',
        answers: 'Reconciles that failed and were requeued (the API server refused, or was unreachable).',
        queries: [{ expr: `sum(rate(herdwatch_reconcile_errors_total[${RATE}]))`, legend: 'errors' }],
      },
      {
        title: 'Reconcile duration p99', unit: 's',
        answers: 'How long one HerdRule takes to reconcile, by result.',
        queries: [{ expr: `histogram_quantile(0.99, sum by (result, le) (rate(herdwatch_reconcile_duration_seconds_bucket[${RATE}])))`, legend: '{{result}}' }],
      },
      {
        title: 'Work queue depth', unit: 'short',
        answers: 'Rules waiting to be reconciled; a queue that does not drain means the operator is stuck or slow.',
        queries: [{ expr: 'sum by (instance) (herdwatch_operator_queue_depth)', legend: '{{instance}}' }],
      },
    ],
  }, {
    title: 'Leadership and watches',
    panels: [
      {
        title: 'Leader', unit: 'short', kind: 'stat',
        answers: 'How many replicas hold the leader lease: exactly 1 is healthy; 0 means nobody reconciles.',
        queries: [{ expr: 'sum(herdwatch_operator_leader)', legend: 'leaders' }],
      },
      {
        title: 'Watch restarts', unit: 'short',
        answers: 'Watch connections to the API server (re)started, by resource; frequent restarts mean a flaky connection.',
        queries: [{ expr: `sum by (resource) (increase(herdwatch_operator_watch_restarts_total[${RATE}]))`, legend: '{{resource}}' }],
      },
    ],
  }],
};
