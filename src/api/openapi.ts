import type { FastifyInstance, RouteOptions } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import type { RouteDoc } from './schemas.js';

interface Collected {
  readonly method: string;
  readonly url: string;
  readonly querystring?: TSchema;
  readonly role?: string;
  readonly doc: RouteDoc;
}

/** Strips TypeBox's symbol keys and `$id` so schemas embed cleanly in the document. */
function plain(schema: TSchema): Record<string, unknown> {
  const json = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  delete json.$id;
  return json;
}

function parameters(query: TSchema | undefined): unknown[] {
  const props = (query?.properties ?? {}) as Record<string, TSchema>;
  const required = new Set<string>((query?.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name, in: 'query', required: required.has(name), ...(s.description ? { description: s.description } : {}), schema: plain(s),
  }));
}

/**
 * Records every route as it is registered (its querystring schema is the one fastify
 * validates with) and serves them as an OpenAPI 3.1 document. Call before registering routes.
 */
export function collectRoutes(app: FastifyInstance): () => Record<string, unknown> {
  const routes: Collected[] = [];
  app.addHook('onRoute', (opts: RouteOptions) => {
    const doc = opts.config?.openapi;
    if (!doc) return;
    const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      const query = (opts.schema as { querystring?: TSchema } | undefined)?.querystring;
      routes.push({ method: method.toLowerCase(), url: opts.url, doc, ...(query ? { querystring: query } : {}), ...(opts.config?.role ? { role: opts.config.role } : {}) });
    }
  });
  return () => {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of [...routes].sort((a, b) => a.url.localeCompare(b.url))) {
      const responses: Record<string, unknown> = {};
      for (const [status, resp] of Object.entries(r.doc.responses)) {
        responses[status] = {
          description: resp.description,
          ...(resp.schema || resp.contentType ? { content: { [resp.contentType ?? 'application/json']: resp.schema ? { schema: plain(resp.schema) } : {} } } : {}),
        };
      }
      (paths[r.url] ??= {})[r.method] = {
        summary: r.doc.summary,
        ...(r.doc.description ? { description: r.doc.description } : {}),
        ...(r.doc.tags ? { tags: r.doc.tags } : {}),
        ...(r.querystring ? { parameters: parameters(r.querystring) } : {}),
        ...(r.doc.requestBody ? {
          requestBody: {
            required: true, description: r.doc.requestBody.description,
            content: Object.fromEntries(r.doc.requestBody.contentTypes.map((ct) => [ct, { schema: plain(r.doc.requestBody!.schema) }])),
          },
        } : {}),
        ...(r.role ? { security: [{ bearer: [r.role] }], 'x-herdwatch-role': r.role } : {}),
        responses,
      };
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'HerdWatch API', version: '1',
        description: 'Ingest shop events; read trending products, alerts and a live stream. Errors carry a stable HW_ERR_* code (docs/errors.md).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Tokens configured by SHA-256 hash with roles (ingest, read, edit, admin); open when none are configured' },
        },
      },
      paths,
    };
  };
}
