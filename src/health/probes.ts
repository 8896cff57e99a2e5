import type { Registry } from 'prom-client';

/**
 * What a process tells Kubernetes and Prometheus, the same for api, detector and operator:
 * /healthz (alive), /readyz (ready for traffic, with a reason when not), /metrics, and an
 * optional /status (what the process owns, as JSON, for people).
 */
export interface Probe {
  live(): boolean;
  ready(): { ready: boolean; reason?: string };
  /** Extra fields for /status and for 503 answers of /healthz and /readyz. */
  status?(): Record<string, unknown>;
}

export interface ProbeAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const json = (status: number, body: unknown): ProbeAnswer => ({ status, contentType: JSON_TYPE, body: JSON.stringify(body) });

/** Paths answered, for 404 messages and route tables. */
export const PROBE_PATHS = ['/healthz', '/readyz', '/metrics', '/status'] as const;

/** The answer for one GET path; undefined when the path is not a probe. */
export async function answerProbe(path: string, probe: Probe, registry: Registry): Promise<ProbeAnswer | undefined> {
  switch (path) {
    case '/healthz':
    case '/livez':
      return probe.live() ? json(200, { status: 'ok' }) : json(503, { status: 'not alive', ...probe.status?.() });
    case '/readyz': {
      const r = probe.ready();
      return r.ready ? json(200, { status: 'ready' }) : json(503, { status: 'not ready', ...(r.reason ? { reason: r.reason } : {}), ...probe.status?.() });
    }
    case '/metrics':
      return { status: 200, contentType: registry.contentType, body: await registry.metrics() };
    case '/status':
      return probe.status ? json(200, probe.status()) : undefined;
    default:
      return undefined;
  }
}
