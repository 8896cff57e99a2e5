import swagger from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { ErrorBody } from './schemas.js';
import './types.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';

const INFO = {
  title: 'HerdWatch API', version: '1',
  description: 'Ingest shop events; read trending products, alerts and a live stream. Errors carry a stable HW_ERR_* code (docs/errors.md).',
};

/**
 * What the document adds to a route's own schema: who may call it (from `config.role`) and,
 * for a body the handler validates itself (`config.documentedBody`), that body's schema.
 */
function withAccess(schema: FastifySchema | undefined, route: RouteOptions): FastifySchema & Record<string, unknown> {
  const config = route.config ?? {};
  const out: FastifySchema & Record<string, unknown> = { ...schema };
  if (config.role) Object.assign(out, { security: [{ bearer: [config.role] }], 'x-herdwatch-role': config.role });
  const doc = config.documentedBody;
  if (doc) Object.assign(out, { body: { ...doc.schema, description: doc.description }, consumes: doc.contentTypes });
  return out;
}

/**
 * The OpenAPI 3.1 document, made by @fastify/swagger from the routes' own schemas (the ones
 * fastify validates requests and serialises responses with), served at OPENAPI_PATH.
 * Register before any route: the plugin records routes as they are added.
 */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  app.addSchema(ErrorBody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: INFO,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Tokens configured by SHA-256 hash with roles (ingest, read, edit, admin); open when none are configured' },
        },
      },
    },
    // Shared schemas keep their $id as their name under components.schemas.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url, route }) => ({ schema: withAccess(schema, route), url }),
  });
  app.get(OPENAPI_PATH, {
    schema: { summary: 'This document', tags: ['ops'], response: { 200: Type.Unknown({ description: 'OpenAPI 3.1' }) } },
  }, async () => app.swagger());
}
