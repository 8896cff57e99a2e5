import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Metrics of the HTTP API: what was ingested, what was refused and why, how long it took. */
export interface ApiMetrics {
  readonly ingestedEvents: Counter<'type'>;
  readonly rejectedEvents: Counter<'code'>;
  readonly refusedRequests: Counter<'code'>;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly sinkInFlight: Gauge;
  readonly streamClients: Gauge;
}

export function createApiMetrics(registry: Registry): ApiMetrics {
  const registers = [registry];
  return {
    ingestedEvents: new Counter({
      name: 'herdwatch_ingest_events_total', help: 'Events accepted by the ingest API and acknowledged by the bus, by event type',
      labelNames: ['type'], registers,
    }),
    rejectedEvents: new Counter({
      name: 'herdwatch_ingest_rejected_events_total', help: 'Events the ingest API rejected, by error code',
      labelNames: ['code'], registers,
    }),
    refusedRequests: new Counter({
      name: 'herdwatch_http_refused_requests_total', help: 'Requests answered with an error, by error code (auth, limits, backpressure, validation)',
      labelNames: ['code'], registers,
    }),
    requestDuration: new Histogram({
      name: 'herdwatch_http_request_duration_seconds', help: 'HTTP request duration by route template and status',
      labelNames: ['method', 'route', 'status'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    sinkInFlight: new Gauge({ name: 'herdwatch_ingest_sends_in_flight', help: 'Ingest requests waiting for the bus to acknowledge', registers }),
    streamClients: new Gauge({ name: 'herdwatch_stream_clients', help: 'Connected server-sent-event clients', registers }),
  };
}
