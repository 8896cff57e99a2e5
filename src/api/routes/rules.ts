import { Type, type Static } from '@sinclair/typebox';
import { AuditResult, ListQuery, NameParams, RuleBody, RuleList, RuleView, WriteQuery } from '../rules-schemas.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RuleDoc, RuleRepository } from '../rules/types.js';
import { described, errorReplies } from '../schemas.js';

const ERRORS = errorReplies({
  401: 'Missing or unknown token',
  403: 'Token lacks role edit, or Kubernetes RBAC refused the requesting user',
  404: 'No such rule',
  409: 'Exists already, or changed meanwhile (HW_ERR_CONFLICT)',
  422: 'Invalid rule (HW_ERR_RULE_INVALID) with `issues`: [{field, message}]',
  429: 'Rate limit; see Retry-After',
});
const BAD_REQUEST = errorReplies({ 400: 'Invalid parameter or body (HW_ERR_QUERY_INVALID, HW_ERR_BODY_INVALID)' });

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
    schema: { summary: 'Rules with spec and status', tags: ['rules'], querystring: ListQuery, response: { 200: described(RuleList, 'Rules'), ...BAD_REQUEST, ...ERRORS } },
    config: { role: 'read', rateLimited: true },
  }, async (request) => ({ rules: (await repo.list(caller(request))).map(view) }));

  app.get('/api/v1/rules/audit', {
    schema: { summary: 'Who changed which rule, newest first', tags: ['rules'], response: { 200: described(AuditResult, 'Audit entries'), ...ERRORS } },
    config: { role: 'read', rateLimited: true },
  }, async (request) => ({ entries: await repo.audit(caller(request)) }));

  app.get<{ Params: Static<typeof NameParams> }>('/api/v1/rules/:namespace/:name', {
    schema: { summary: 'One rule', tags: ['rules'], params: NameParams, response: { 200: described(RuleView, 'The rule'), ...BAD_REQUEST, ...ERRORS } },
    config: { role: 'read', rateLimited: true },
  }, async (request) => view(await repo.get(caller(request), request.params.namespace, request.params.name)));

  app.post<{ Querystring: Static<typeof WriteQuery>; Body: Static<typeof RuleBody> }>('/api/v1/rules', {
    schema: {
      summary: 'Create a rule (dryRun=true: validate only)', tags: ['rules'],
      querystring: WriteQuery, body: described(RuleBody, '{metadata: {name, namespace}, spec}'),
      response: { 201: described(RuleView, 'Created'), 200: described(RuleView, 'Dry run passed'), ...BAD_REQUEST, ...ERRORS },
    },
    config: { role: 'edit', rateLimited: true },
  }, async (request, reply) => {
    const { metadata, spec } = request.body;
    const doc = await repo.create(caller(request), { namespace: metadata.namespace ?? repo.defaultNamespace, name: metadata.name, spec }, { dryRun: request.query.dryRun === true });
    return reply.code(request.query.dryRun ? 200 : 201).send(view(doc));
  });

  app.put<{ Params: Static<typeof NameParams>; Querystring: Static<typeof WriteQuery>; Body: Static<typeof RuleBody> }>('/api/v1/rules/:namespace/:name', {
    schema: {
      summary: 'Replace a rule\'s spec (dryRun=true: validate only)', tags: ['rules'],
      params: NameParams, querystring: WriteQuery, body: described(RuleBody, '{metadata: {name, resourceVersion?}, spec}'),
      response: { 200: described(RuleView, 'Updated'), ...BAD_REQUEST, ...ERRORS },
    },
    config: { role: 'edit', rateLimited: true },
  }, async (request) => {
    const { namespace, name } = request.params;
    const rv = request.body.metadata.resourceVersion;
    return view(await repo.update(caller(request), { namespace, name, spec: request.body.spec, ...(rv ? { resourceVersion: rv } : {}) }, { dryRun: request.query.dryRun === true }));
  });

  app.delete<{ Params: Static<typeof NameParams>; Querystring: Static<typeof WriteQuery> }>('/api/v1/rules/:namespace/:name', {
    schema: { summary: 'Delete a rule', tags: ['rules'], params: NameParams, querystring: WriteQuery, response: { 204: Type.Null({ description: 'Deleted' }), ...BAD_REQUEST, ...ERRORS } },
    config: { role: 'edit', rateLimited: true },
  }, async (request, reply) => {
    await repo.delete(caller(request), request.params.namespace, request.params.name, { dryRun: request.query.dryRun === true });
    return reply.code(204).send();
  });
}

