import { createServer, type Server } from 'node:http';
import type { Registry } from '../../metrics/registry.js';

export interface ProbeTarget {
  healthy(): boolean;
  ready(): boolean;
  status(): Record<string, unknown>;
}

/**
 * The detector's HTTP side for Kubernetes and Prometheus: /metrics, /healthz (alive: the
 * consumer has not given up), /readyz (caught up on its partitions since the last
 * assignment), and /status (what it owns, as JSON) for people.
 */
export function startProbeServer(target: ProbeTarget, registry: Registry, opts: { host: string; port: number }): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return json(405, { code: 'HW_ERR_NOT_FOUND', message: 'only GET is served here' });
    switch (path) {
      case '/metrics':
        registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (err: unknown) => json(500, { code: 'HW_ERR_INTERNAL', message: String(err) }),
        );
        return;
      case '/healthz':
        return target.healthy() ? json(200, { status: 'ok' }) : json(503, { status: 'consumer failed', ...target.status() });
      case '/readyz':
        return target.ready() ? json(200, { status: 'ready' }) : json(503, { status: 'catching up', ...target.status() });
      case '/status':
        return json(200, target.status());
      default:
        return json(404, { code: 'HW_ERR_NOT_FOUND', message: `${path} is not served here`, expected: '/metrics, /healthz, /readyz or /status' });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve(server));
  });
}
