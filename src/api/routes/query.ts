import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { QueryStore } from '../../store/types.js';
import type { RuleSummary } from '../types.js';
import { AlertsQuery, AlertsResult, ErrorBody, RulesResult, TrendingQuery, TrendingResult } from '../schemas.js';

const READ_ERRORS = {
  400: { description: 'Invalid query parameter (HW_ERR_QUERY_INVALID)', schema: ErrorBody },
  401: { description: 'Missing or unknown token (when tokens are configured)', schema: ErrorBody },
  403: { description: 'Token lacks role read', schema: ErrorBody },
  429: { description: 'Rate limit; see Retry-After', schema: ErrorBody },
} as const;

/** Read side: what is trending, recent alert transitions, loaded rules. */
export async function queryRoutes(app: FastifyInstance, deps: { store: QueryStore; rules: () => readonly RuleSummary[]; listRules?: boolean }): Promise<void> {
  app.get<{ Querystring: Static<typeof TrendingQuery> }>('/api/v1/trending', {
    schema: { querystring: TrendingQuery },
    config: {
      role: 'read', rateLimited: true,
      openapi: {
        summary: 'What is trending now', tags: ['query'],
        description: 'The latest trending snapshot of each rule (or of one rule), top entries by lift first.',
        responses: { 200: { description: 'Snapshots per rule', schema: TrendingResult }, ...READ_ERRORS },
      },
    },
  }, async (request) => {
    const { rule, limit } = request.query;
    return {
      rules: deps.store.trending(rule).map((s) => ({ rule: s.rule, ruleUid: s.ruleUid, at: s.at, entries: s.entries.slice(0, limit) })),
    };
  });

  app.get<{ Querystring: Static<typeof AlertsQuery> }>('/api/v1/alerts', {
    schema: { querystring: AlertsQuery },
    config: {
      role: 'read', rateLimited: true,
      openapi: {
        summary: 'Recent alert transitions', tags: ['query'],
        description: 'Firing and resolved transitions, newest first. A transition id is the same for a firing and its resolved.',
        responses: { 200: { description: 'Transitions', schema: AlertsResult }, ...READ_ERRORS },
      },
    },
  }, async (request) => {
    const { rule, state, limit } = request.query;
    return { alerts: deps.store.alerts({ limit, ...(rule ? { rule } : {}), ...(state ? { state } : {}) }) };
  });

  // With a rules repository, /api/v1/rules is served by the rules routes instead.
  if (deps.listRules === false) return;
  app.get('/api/v1/rules', {
    config: {
      role: 'read', rateLimited: true,
      openapi: { summary: 'Rules loaded', tags: ['query'], responses: { 200: { description: 'Rules', schema: RulesResult }, ...READ_ERRORS } },
    },
  }, async () => ({ rules: deps.rules() }));
}
