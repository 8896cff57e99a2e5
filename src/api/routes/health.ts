import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Readiness } from '../types.js';
import { Health } from '../schemas.js';

/** Liveness, readiness and Prometheus metrics; open even when tokens are configured. */
export async function healthRoutes(app: FastifyInstance, deps: { registry: Registry; ready: () => Readiness }): Promise<void> {
  app.get('/healthz', {
    config: { openapi: { summary: 'Liveness', tags: ['ops'], responses: { 200: { description: 'The process is up', schema: Health } } } },
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    config: {
      openapi: {
        summary: 'Readiness', tags: ['ops'],
        responses: { 200: { description: 'Ready to serve', schema: Health }, 503: { description: 'Not ready; reason says why', schema: Health } },
      },
    },
  }, async (_request, reply) => {
    const r = deps.ready();
    return r.ready ? { status: 'ready' } : reply.code(503).send({ status: 'not ready', ...(r.reason ? { reason: r.reason } : {}) });
  });

  app.get('/metrics', {
    config: { openapi: { summary: 'Prometheus metrics', tags: ['ops'], responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } } } },
  }, async (_request, reply) => {
    reply.type(deps.registry.contentType);
    return deps.registry.metrics();
  });
}
