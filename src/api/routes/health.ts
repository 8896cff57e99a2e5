import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { answerProbe, type Probe } from '../../health/probes.js';
import type { Readiness } from '../types.js';
import { Health } from '../schemas.js';

/** Liveness, readiness and Prometheus metrics; open even when tokens are configured. */
export async function healthRoutes(app: FastifyInstance, deps: { registry: Registry; ready: () => Readiness }): Promise<void> {
  // The same answers as the detector's and operator's probe server (src/health), as routes here.
  const probe: Probe = { live: () => true, ready: deps.ready };
  const answer = async (path: string, reply: FastifyReply) => {
    const a = (await answerProbe(path, probe, deps.registry))!;
    return reply.code(a.status).type(a.contentType).send(a.body);
  };

  app.get('/healthz', {
    config: { openapi: { summary: 'Liveness', tags: ['ops'], responses: { 200: { description: 'The process is up', schema: Health } } } },
  }, async (_request, reply) => answer('/healthz', reply));

  app.get('/readyz', {
    config: {
      openapi: {
        summary: 'Readiness', tags: ['ops'],
        responses: { 200: { description: 'Ready to serve', schema: Health }, 503: { description: 'Not ready; reason says why', schema: Health } },
      },
    },
  }, async (_request, reply) => answer('/readyz', reply));

  app.get('/metrics', {
    config: { openapi: { summary: 'Prometheus metrics', tags: ['ops'], responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } } } },
  }, async (_request, reply) => answer('/metrics', reply));
}
