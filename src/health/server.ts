import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { answerProbe, type Probe } from './probes.js';

export interface ProbeServer {
  readonly server: Server;
  /** The port listened on (the real one when 0 was asked). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A small HTTP server that answers only the probes (see probes.ts): the detector's and the
 * operator's; the API serves the same answers as fastify routes on its own port.
 */
export async function startProbeServer(probe: Probe, registry: Registry, opts: { host: string; port: number }): Promise<ProbeServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const send = (status: number, contentType: string, body: string) => res.writeHead(status, { 'content-type': contentType }).end(body);
    const error = (status: number, code: string, message: string) => send(status, 'application/json; charset=utf-8', JSON.stringify({ code, message }));
    if (req.method !== 'GET') return error(405, 'HW_ERR_NOT_FOUND', 'only GET is served here');
    answerProbe(path, probe, registry).then(
      (a) => (a ? send(a.status, a.contentType, a.body) : error(404, 'HW_ERR_NOT_FOUND', `${path} is not served here (expected /metrics, /healthz, /readyz or /status)`)),
      (err: unknown) => error(500, 'HW_ERR_INTERNAL', String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
