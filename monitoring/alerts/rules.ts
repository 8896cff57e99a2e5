/**
 * HerdWatch's alerting rules, written once: scripts/generate.ts renders them as a plain
 * Prometheus rules file (alerts/herdwatch-rules.yaml) and the chart wraps the same file in a
 * PrometheusRule. Durations and thresholds come from a Tuning, so the integration test can
 * load the very same expressions with windows short enough to fire within a test run.
 */
export interface Tuning {
  /** Rate window of ratio alerts (production 5m). */
  readonly window: string;
  /** Window for slow signals: lag growth, late events, reconcile errors (production 10m). */
  readonly slowWindow: string;
  /** "Normally receives events": traffic in this window before the quiet one (production 1h). */
  readonly baseline: string;
  /** `for:` of each alert, by name of the duration in production. */
  readonly for: { readonly short: string; readonly medium: string; readonly long: string };
  readonly lagSeconds: number;
  /** Records behind before a growing lag alerts (young but growing backlogs). */
  readonly lagRecords: number;
  readonly outboxAgeSeconds: number;
  readonly watermarkStallSeconds: number;
}

export const PRODUCTION: Tuning = {
  window: '5m', slowWindow: '10m', baseline: '1h',
  for: { short: '5m', medium: '10m', long: '15m' },
  lagSeconds: 120, lagRecords: 10_000, outboxAgeSeconds: 900, watermarkStallSeconds: 900,
};

/**
 * The same rules on a test's clock: Prometheus scrapes and evaluates every second, so windows
 * of seconds hold enough samples, and each alert fires within a test run (test/sre).
 */
export const TEST_TUNING: Tuning = {
  window: '15s', slowWindow: '20s', baseline: '2m',
  for: { short: '3s', medium: '5s', long: '5s' },
  lagSeconds: 20, lagRecords: 100_000, outboxAgeSeconds: 30, watermarkStallSeconds: 3600,
};

export const RUNBOOK_BASE = 'https://github.com/herdwatch/herdwatch/blob/main/docs/runbooks.md';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: 'critical' | 'warning';
  /** Which process the alert is about; the chart drops alerts of components it does not install. */
  readonly component: Component;
  readonly summary: string;
  readonly description: string;
}

/** Components whose metrics must be present; each gets an absent() alert. */
export const COMPONENTS = ['api', 'detector', 'operator', 'notifier'] as const;
export type Component = (typeof COMPONENTS)[number];

export function alertRules(t: Tuning = PRODUCTION): AlertRule[] {
  const w = t.window;
  const ingest = (range: string) => `sum(rate(herdwatch_ingest_events_total[${range}]))`;
  const rejected = (range: string) => `sum(rate(herdwatch_ingest_rejected_events_total[${range}]))`;
  const http = 'herdwatch_http_request_duration_seconds_count';
  return [
    {
      alert: 'HerdWatchDetectorLag', component: 'detector', for: t.for.medium, severity: 'warning',
      expr: [
        `max by (rule) (herdwatch_detector_consumer_lag_seconds) > ${t.lagSeconds}`,
        `max by (group) (herdwatch_consumer_group_lag_seconds) > ${t.lagSeconds}`,
        `(sum by (rule) (herdwatch_detector_consumer_lag_offsets) > ${t.lagRecords}) and (sum by (rule) (deriv(herdwatch_detector_consumer_lag_offsets[${t.slowWindow}])) > 0)`,
      ].map((e) => `(${e})`).join('\nor\n'),
      summary: 'A detector is behind its topic{{ with $labels.rule }} (rule {{ . }}){{ end }}{{ with $labels.group }} (group {{ . }}){{ end }}',
      description: 'Consumer lag is {{ $value | humanize }} (seconds behind, or records and still growing) for longer than the alert\'s for-duration: alerts arrive late or not at all.',
    },
    {
      alert: 'HerdWatchNoEvents', component: 'api', for: t.for.medium, severity: 'warning',
      expr: `(sum by (topic) (delta(herdwatch_topic_end_offset[${t.slowWindow}])) <= 0)\nand\n(sum by (topic) (delta(herdwatch_topic_end_offset[${t.baseline}] offset ${t.slowWindow})) > 0)`,
      summary: 'Topic {{ $labels.topic }} receives no events',
      description: 'Nothing was written to {{ $labels.topic }} for a while, although it received events before: shops or the ingest API stopped sending.',
    },
    {
      alert: 'HerdWatchIngestErrors', component: 'api', for: t.for.short, severity: 'warning',
      expr: `${rejected(w)} / (${ingest(w)} + ${rejected(w)}) > 0.01`,
      summary: 'More than 1% of ingested events are rejected',
      description: '{{ $value | humanizePercentage }} of events sent to the ingest API are refused; see herdwatch_ingest_rejected_events_total by code.',
    },
    {
      alert: 'HerdWatchApiErrors', component: 'api', for: t.for.short, severity: 'critical',
      expr: `sum(rate(${http}{status=~"5.."}[${w}])) / sum(rate(${http}[${w}])) > 0.05`,
      summary: 'The API answers more than 5% of requests with a server error',
      description: '{{ $value | humanizePercentage }} of API requests fail with a 5xx.',
    },
    {
      alert: 'HerdWatchNotificationFailures', component: 'notifier', for: t.for.long, severity: 'warning',
      expr: `sum by (channel) (rate(herdwatch_notifications_total{outcome=~"retry|dead"}[${w}]))\n/ sum by (channel) (rate(herdwatch_notifications_total[${w}])) > 0.01`,
      summary: 'Notifications to {{ $labels.channel }} fail',
      description: '{{ $value | humanizePercentage }} of sends to {{ $labels.channel }} fail (retried or given up).',
    },
    {
      alert: 'HerdWatchOutboxStuck', component: 'notifier', for: t.for.short, severity: 'critical',
      expr: `max by (channel) (herdwatch_notifier_outbox_oldest_age_seconds) > ${t.outboxAgeSeconds}`,
      summary: 'Notifications to {{ $labels.channel }} wait in the outbox',
      description: 'The oldest undelivered notification to {{ $labels.channel }} is {{ $value | humanizeDuration }} old.',
    },
    {
      alert: 'HerdWatchReconcileErrors', component: 'operator', for: t.for.long, severity: 'warning',
      expr: `sum(rate(herdwatch_reconcile_errors_total[${t.slowWindow}])) / sum(rate(herdwatch_reconcile_operations_total[${t.slowWindow}])) > 0.1`,
      summary: 'The operator fails to reconcile HerdRules',
      description: '{{ $value | humanizePercentage }} of reconciles fail and are retried: rule changes do not reach the detectors.',
    },
    {
      alert: 'HerdWatchNoLeader', component: 'operator', for: t.for.short, severity: 'critical',
      expr: 'sum(herdwatch_operator_leader) < 1',
      summary: 'No operator replica holds the leader lease',
      description: 'Operators run but none leads: HerdRule changes are not reconciled and rule status is not updated.',
    },
    {
      alert: 'HerdWatchWatermarkStalled', component: 'detector', for: t.for.medium, severity: 'warning',
      expr: `max by (rule) (herdwatch_detector_watermark_delay_seconds) > ${t.watermarkStallSeconds}`,
      summary: 'The event-time watermark of rule {{ $labels.rule }} is stalled',
      description: 'The watermark is {{ $value | humanizeDuration }} behind the clock: windows do not close, so alerts neither fire nor resolve.',
    },
    {
      alert: 'HerdWatchWatermarkJumped', component: 'detector', for: t.for.short, severity: 'warning',
      expr: `min by (rule) (herdwatch_detector_watermark_delay_seconds) < -${t.lagSeconds}`,
      summary: 'The event-time watermark of rule {{ $labels.rule }} is ahead of the clock',
      description: 'The watermark is {{ $value | humanizeDuration }} in the future: events with wrong timestamps moved it, and on-time events now count as late.',
    },
    {
      alert: 'HerdWatchLateEvents', component: 'detector', for: t.for.long, severity: 'warning',
      expr: `sum by (rule) (rate(herdwatch_detector_late_events_total[${t.slowWindow}]))\n/ sum by (rule) (rate(herdwatch_detector_events_total[${t.slowWindow}])) > 0.05`,
      summary: 'Many late events for rule {{ $labels.rule }}',
      description: '{{ $value | humanizePercentage }} of events arrive after their bucket closed and are not evaluated.',
    },
    ...COMPONENTS.map((c): AlertRule => ({
      alert: 'HerdWatchTargetAbsent', component: c, for: t.for.short, severity: c === 'detector' || c === 'api' ? 'critical' : 'warning',
      // Detectors exist only while rules do: absent counts only when the broker knows detector groups.
      expr: c === 'detector'
        ? 'absent(herdwatch_process_start_time_seconds{component="detector"}) and on() (count(herdwatch_consumer_group_lag_offsets) > 0)'
        : `absent(herdwatch_process_start_time_seconds{component="${c}"})`,
      summary: `No HerdWatch ${c} exports metrics`,
      description: `Prometheus has no metrics from any ${c} process: it is down, or it is not scraped.`,
    })),
  ];
}

/** The plain Prometheus rules file (also the `spec` of the chart's PrometheusRule). */
export function rulesFile(t: Tuning = PRODUCTION, runbookBase = RUNBOOK_BASE): { groups: unknown[] } {
  return {
    groups: [{
      name: 'herdwatch',
      rules: alertRules(t).map((r) => ({
        alert: r.alert,
        expr: r.expr,
        for: r.for,
        labels: { severity: r.severity, component: r.component },
        annotations: { summary: r.summary, description: r.description, runbook_url: `${runbookBase}#${r.alert.toLowerCase()}` },
      })),
    }],
  };
}
