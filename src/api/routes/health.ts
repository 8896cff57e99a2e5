import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { answerProbe, type Probe } from '../../health/probes.js';
import type { Readiness } from '../types.js';
import { Type } from '@sinclair/typebox';
import { described, Health } from '../schemas.js';

/** Liveness, readiness and Prometheus metrics; open even when tokens are configured. */
export async function healthRoutes(app: FastifyInstance, deps: { registry: Registry; ready: () => Readiness }): Promise<void> {
  // The same answers as the detector's and operator's probe server (src/health), as routes here.
  const probe: Probe = { live: () => true, ready: deps.ready };
  const answer = async (path: string, reply: FastifyReply) => {
    const a = (await answerProbe(path, probe, deps.registry))!;
    return reply.code(a.status).type(a.contentType).send(a.body);
  };

  app.get('/healthz', {
    schema: { summary: 'Liveness', tags: ['ops'], response: { 200: described(Health, 'The process is up') } },
  }, async (_request, reply) => answer('/healthz', reply));

  app.get('/readyz', {
    schema: { summary: 'Readiness', tags: ['ops'], response: { 200: described(Health, 'Ready to serve'), 503: described(Health, 'Not ready; reason says why') } },
  }, async (_request, reply) => answer('/readyz', reply));

  app.get('/metrics', {
    schema: {
      summary: 'Prometheus metrics', tags: ['ops'],
      response: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: Type.String() } } } },
    },
  }, async (_request, reply) => answer('/metrics', reply));
}
