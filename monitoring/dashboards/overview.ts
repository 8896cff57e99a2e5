import { RATE, RULE, type DashboardSpec } from './spec.js';

export const overview: DashboardSpec = {
  uid: 'herdwatch-overview',
  file: 'overview',
  title: 'HerdWatch / Overview',
  description: 'Is HerdWatch taking traffic in, spotting herds and telling people? Events in, events refused, alerts, notifications and what trends now.',
  ruleVariable: true,
  rows: [{
    title: 'Traffic and alerts',
    panels: [
      {
        title: 'Events in per second by type', unit: 'reqps', stacked: true,
        answers: 'How much traffic the ingest API accepts (acknowledged by Kafka), by event type.',
        queries: [{ expr: `sum by (type) (rate(herdwatch_ingest_events_total[${RATE}]))`, legend: '{{type}}' }],
      },
      {
        title: 'Rejected events by code', unit: 'reqps', stacked: true,
        answers: 'How many events the API refused and why (HW_ERR_* code); a new code or a jump means a producer broke.',
        emptyWhen: 'No producer has sent a bad event since the API started: counters by code appear with the first rejection.',
        queries: [{ expr: `sum by (code) (rate(herdwatch_ingest_rejected_events_total[${RATE}]))`, legend: '{{code}}' }],
      },
      {
        title: 'Alert transitions by rule and severity', unit: 'short', kind: 'bars',
        answers: 'How many alerts fired, escalated or resolved per rule in each interval.',
        emptyWhen: 'No rule has fired since its detector started: transitions are counted from the first one.',
        queries: [{ expr: `sum by (rule, severity, state) (increase(herdwatch_detector_transitions_total{${RULE}}[${RATE}]))`, legend: '{{rule}} {{state}} ({{severity}})' }],
      },
      {
        title: 'Notifications by channel and outcome', unit: 'short', kind: 'bars',
        answers: 'Whether the people behind each channel are being told: sent, retried, dead, silenced, digested.',
        emptyWhen: 'No alert has been delivered yet, or the notifier is not installed (notifier.enabled=false).',
        queries: [{ expr: `sum by (channel, outcome) (increase(herdwatch_notifications_total[${RATE}]))`, legend: '{{channel}} {{outcome}}' }],
      },
      {
        title: 'Top trending products per rule', unit: 'x', kind: 'bargauge', width: 24,
        answers: 'What trends right now: the lift of each rule\'s top keys (capped at 10 per rule; the only per-product series).',
        emptyWhen: 'Nothing is trending: no key is above its baseline in any rule.',
        queries: [{ expr: `topk(10, herdwatch_trending_lift{${RULE}})`, legend: '{{rule}} {{key}}' }],
      },
    ],
  }, {
    title: 'Health at a glance',
    panels: [
      {
        title: 'Detector lag', unit: 's', kind: 'stat', width: 8,
        answers: 'The worst consumer lag of any rule, in seconds (0 when every detector is caught up).',
        queries: [{ expr: `max(herdwatch_detector_consumer_lag_seconds{${RULE}})` }],
      },
      {
        title: 'API error ratio', unit: 'percentunit', kind: 'stat', width: 8,
        answers: 'Share of API requests answered with a 5xx.',
        queries: [{ expr: `(sum(rate(herdwatch_http_request_duration_seconds_count{status=~"5.."}[${RATE}])) or vector(0)) / sum(rate(herdwatch_http_request_duration_seconds_count[${RATE}]))` }],
      },
      {
        title: 'Processes up', unit: 'short', kind: 'stat', width: 8,
        answers: 'How many HerdWatch processes export metrics, by component.',
        queries: [{ expr: 'count by (component) (herdwatch_process_start_time_seconds)', legend: '{{component}}' }],
      },
    ],
  }],
};
