import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HwError } from '../errors.js';

/** The first path where two JSON values differ, for a message a developer can act on. */
function firstDifference(sent: unknown, meant: unknown, path = ''): string {
  if (typeof sent !== 'object' || typeof meant !== 'object' || sent === null || meant === null) return `${path || '/'}: sent ${JSON.stringify(sent)}, handler returned ${JSON.stringify(meant)}`;
  const keys = new Set([...Object.keys(sent), ...Object.keys(meant)]);
  for (const k of keys) {
    const a = (sent as Record<string, unknown>)[k];
    const b = (meant as Record<string, unknown>)[k];
    if (!isDeepStrictEqual(a, b)) return firstDifference(a, b, `${path}/${k}`);
  }
  return path || '/';
}

/**
 * For tests: fastify serialises a response with the route's response schema, silently
 * dropping fields the schema lacks and truncating numbers it calls integers. This makes
 * any such difference between what a handler returned and what was sent a 500 naming the
 * field, so a schema that disagrees with its handler fails the tests that use the route.
 */
export function failOnSchemaDrift(app: FastifyInstance): void {
  const returned = new WeakMap<FastifyRequest, string>();
  app.addHook('preSerialization', async (request, _reply, payload) => {
    // A snapshot: a handler may return an object that keeps changing (a running backtest job).
    const json = JSON.stringify(payload);
    returned.set(request, json);
    return JSON.parse(json) as unknown;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const meant = returned.get(request);
    returned.delete(request);
    if (meant === undefined || typeof payload !== 'string') return payload;
    const sent: unknown = JSON.parse(payload);
    const before: unknown = JSON.parse(meant);
    if (isDeepStrictEqual(sent, before)) return payload;
    throw new HwError('HW_ERR_INTERNAL', {
      message: `${request.method} ${request.routeOptions.url ?? request.url} ${reply.statusCode}: the response schema changed the body at ${firstDifference(sent, before)}`,
    });
  });
}
