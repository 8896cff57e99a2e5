import { RATE, type DashboardSpec } from './spec.js';

const count = 'herdwatch_http_request_duration_seconds_count';

export const api: DashboardSpec = {
  uid: 'herdwatch-api',
  file: 'api',
  title: 'HerdWatch / API',
  description: 'Is the API answering, correctly and fast? Rate, errors and duration per route (RED).',
  rows: [{
    title: 'Requests',
    panels: [
      {
        title: 'Request rate per route', unit: 'reqps', stacked: true,
        answers: 'Which routes are called, how often.',
        queries: [{ expr: `sum by (method, route) (rate(${count}[${RATE}]))`, legend: '{{method}} {{route}}' }],
      },
      {
        title: 'Responses by status', unit: 'reqps', stacked: true,
        answers: 'How answers split by HTTP status per route; 4xx are clients\' mistakes, 5xx are ours.',
        queries: [{ expr: `sum by (route, status) (rate(${count}[${RATE}]))`, legend: '{{route}} {{status}}' }],
      },
      {
        title: 'Errors by code', unit: 'reqps', stacked: true,
        answers: 'Requests answered with an error, by HW_ERR_* code (auth, limits, backpressure, validation).',
        emptyWhen: 'No request has been refused since the API started.',
        queries: [{ expr: `sum by (code) (rate(herdwatch_http_refused_requests_total[${RATE}]))`, legend: '{{code}}' }],
      },
      {
        title: 'Server error ratio', unit: 'percentunit',
        answers: 'Share of requests answered 5xx (the HerdWatchApiErrors alert watches this).',
        queries: [{ expr: `(sum(rate(${count}{status=~"5.."}[${RATE}])) or vector(0)) / sum(rate(${count}[${RATE}]))`, legend: '5xx ratio' }],
      },
    ],
  }, {
    title: 'Duration',
    panels: [
      {
        title: 'Request duration p99 per route', unit: 's',
        answers: 'How long the slowest 1% of requests take, per route.',
        queries: [{ expr: `histogram_quantile(0.99, sum by (route, le) (rate(herdwatch_http_request_duration_seconds_bucket[${RATE}])))`, legend: '{{route}}' }],
      },
      {
        title: 'Request duration p50 per route', unit: 's',
        answers: 'The typical request time per route.',
        queries: [{ expr: `histogram_quantile(0.5, sum by (route, le) (rate(herdwatch_http_request_duration_seconds_bucket[${RATE}])))`, legend: '{{route}}' }],
      },
      {
        title: 'Ingest sends in flight', unit: 'short',
        answers: 'Ingest requests waiting for Kafka to acknowledge; near the limit, the API answers 503 (backpressure).',
        queries: [{ expr: 'sum by (instance) (herdwatch_ingest_sends_in_flight)', legend: '{{instance}}' }],
      },
      {
        title: 'Live stream clients', unit: 'short',
        answers: 'Connected server-sent-event clients (dashboards, integrators).',
        queries: [{ expr: 'sum by (instance) (herdwatch_stream_clients)', legend: '{{instance}}' }],
      },
    ],
  }],
};
