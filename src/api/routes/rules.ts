import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RuleDoc, RuleRepository } from '../rules/types.js';
import { ErrorBody } from '../schemas.js';

const NameParams = Type.Object({
  namespace: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
  name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 }),
});
const WriteQuery = Type.Object({
  dryRun: Type.Optional(Type.Boolean({ description: 'Validate and authorise only (the Kubernetes API server runs dryRun=All); change nothing' })),
}, { additionalProperties: false });
const ListQuery = Type.Object({ full: Type.Optional(Type.Boolean({ description: 'Accepted for compatibility; specs are always included' })) }, { additionalProperties: false });
const RuleBody = Type.Object({
  metadata: Type.Object({
    name: Type.String({ maxLength: 253 }),
    namespace: Type.Optional(Type.String({ maxLength: 63 })),
    resourceVersion: Type.Optional(Type.String({ description: 'The version edited; 409 when the rule changed meanwhile' })),
  }),
  spec: Type.Unknown({ description: 'The HerdRule spec (docs/rules.md); validated with every problem reported in `issues`' }),
});

const ERRORS = {
  401: { description: 'Missing or unknown token', schema: ErrorBody },
  403: { description: 'Token lacks role edit, or Kubernetes RBAC refused the requesting user', schema: ErrorBody },
  404: { description: 'No such rule', schema: ErrorBody },
  409: { description: 'Exists already, or changed meanwhile (HW_ERR_CONFLICT)', schema: ErrorBody },
  422: { description: 'Invalid rule (HW_ERR_RULE_INVALID) with `issues`: [{field, message}]', schema: ErrorBody },
} as const;

/** The summary fields older clients read, plus the spec and status the web app edits. */
function view(d: RuleDoc) {
  return {
    name: d.name, namespace: d.namespace, uid: d.uid, detector: d.spec.detector.type, key: d.spec.key, severity: d.spec.severity,
    paused: d.spec.paused, ...(d.spec.description ? { description: d.spec.description } : {}), ...(d.file ? { file: d.file } : {}),
    spec: d.spec, ...(d.status ? { status: d.status } : {}), ...(d.resourceVersion ? { resourceVersion: d.resourceVersion } : {}),
  };
}

const caller = (r: FastifyRequest) => ({ user: r.caller.user, groups: r.caller.groups });

/**
 * Rules CRUD with a dry run. Reads need `read`, writes `edit`. On Kubernetes the repository
 * writes HerdRules as the calling user (impersonation), so RBAC has the last word.
 */
export async function rulesRoutes(app: FastifyInstance, deps: { repo: RuleRepository }): Promise<void> {
  const { repo } = deps;
  app.get<{ Querystring: Static<typeof ListQuery> }>('/api/v1/rules', {
    schema: { querystring: ListQuery },
    config: { role: 'read', rateLimited: true, openapi: { summary: 'Rules with spec and status', tags: ['rules'], responses: { 200: { description: 'Rules' }, ...ERRORS } } },
  }, async (request) => ({ rules: (await repo.list(caller(request))).map(view) }));

  app.get('/api/v1/rules/audit', {
    config: { role: 'read', rateLimited: true, openapi: { summary: 'Who changed which rule, newest first', tags: ['rules'], responses: { 200: { description: 'Audit entries' }, ...ERRORS } } },
  }, async (request) => ({ entries: await repo.audit(caller(request)) }));

  app.get<{ Params: Static<typeof NameParams> }>('/api/v1/rules/:namespace/:name', {
    schema: { params: NameParams },
    config: { role: 'read', rateLimited: true, openapi: { summary: 'One rule', tags: ['rules'], responses: { 200: { description: 'The rule' }, ...ERRORS } } },
  }, async (request) => view(await repo.get(caller(request), request.params.namespace, request.params.name)));

  app.post<{ Querystring: Static<typeof WriteQuery>; Body: Static<typeof RuleBody> }>('/api/v1/rules', {
    schema: { querystring: WriteQuery, body: RuleBody },
    config: {
      role: 'edit', rateLimited: true,
      openapi: { summary: 'Create a rule (dryRun=true: validate only)', tags: ['rules'], requestBody: { contentTypes: ['application/json'], schema: RuleBody, description: '{metadata: {name, namespace}, spec}' }, responses: { 201: { description: 'Created' }, 200: { description: 'Dry run passed' }, ...ERRORS } },
    },
  }, async (request, reply) => {
    const { metadata, spec } = request.body;
    const doc = await repo.create(caller(request), { namespace: metadata.namespace ?? repo.defaultNamespace, name: metadata.name, spec }, { dryRun: request.query.dryRun === true });
    return reply.code(request.query.dryRun ? 200 : 201).send(view(doc));
  });

  app.put<{ Params: Static<typeof NameParams>; Querystring: Static<typeof WriteQuery>; Body: Static<typeof RuleBody> }>('/api/v1/rules/:namespace/:name', {
    schema: { params: NameParams, querystring: WriteQuery, body: RuleBody },
    config: {
      role: 'edit', rateLimited: true,
      openapi: { summary: 'Replace a rule\'s spec (dryRun=true: validate only)', tags: ['rules'], requestBody: { contentTypes: ['application/json'], schema: RuleBody, description: '{metadata: {name, resourceVersion?}, spec}' }, responses: { 200: { description: 'Updated' }, ...ERRORS } },
    },
  }, async (request) => {
    const { namespace, name } = request.params;
    const rv = request.body.metadata.resourceVersion;
    return view(await repo.update(caller(request), { namespace, name, spec: request.body.spec, ...(rv ? { resourceVersion: rv } : {}) }, { dryRun: request.query.dryRun === true }));
  });

  app.delete<{ Params: Static<typeof NameParams>; Querystring: Static<typeof WriteQuery> }>('/api/v1/rules/:namespace/:name', {
    schema: { params: NameParams, querystring: WriteQuery },
    config: { role: 'edit', rateLimited: true, openapi: { summary: 'Delete a rule', tags: ['rules'], responses: { 204: { description: 'Deleted' }, ...ERRORS } } },
  }, async (request, reply) => {
    await repo.delete(caller(request), request.params.namespace, request.params.name, { dryRun: request.query.dryRun === true });
    return reply.code(204).send();
  });
}

