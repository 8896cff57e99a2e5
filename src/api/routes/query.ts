import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HwError } from '../../errors.js';
import { decodeCursor } from '../../store/notify/merge.js';
import type { NotifierStore } from '../../store/notify/types.js';
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
export async function queryRoutes(app: FastifyInstance, deps: { store: QueryStore; rules: () => readonly RuleSummary[]; listRules?: boolean; history?: NotifierStore }): Promise<void> {
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
        summary: 'Alert transitions, newest first', tags: ['query'],
        description: 'Without a notifier store: the recent transitions this process saw. With one (--mongodb, or dev): every stored alert, newest first, as its latest transition, paginated with `cursor`; `from`/`to` filter on when the alert last changed. A transition id is the same for a firing and its resolved.',
        responses: { 200: { description: 'Transitions', schema: AlertsResult }, ...READ_ERRORS },
      },
    },
  }, async (request) => {
    const { rule, state, limit, key, from, to, cursor } = request.query;
    if (deps.history) {
      // The notifier's store keeps every alert: page through it, the newest transition of each alert first.
      if (cursor !== undefined && !decodeCursor(cursor)) throw new HwError('HW_ERR_QUERY_INVALID', { field: 'cursor', expected: 'the `next` value of a previous page', message: 'cursor is not one this API gave out' });
      const page = await deps.history.alerts({ limit, ...(rule ? { rule } : {}), ...(state ? { state } : {}), ...(key ? { key } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(cursor ? { cursor } : {}) })
        .catch((err: unknown) => { throw new HwError('HW_ERR_STORE', { message: `the alert store failed: ${(err as Error).message}` }); });
      return { alerts: page.alerts.map((a) => a.transitions[a.transitions.length - 1]!), ...(page.next ? { next: page.next } : {}) };
    }
    const recent = deps.store.alerts({ limit: key !== undefined || from !== undefined || to !== undefined ? 100_000 : limit, ...(rule ? { rule } : {}), ...(state ? { state } : {}) });
    const alerts = recent.filter((t) => (key === undefined || t.key === key) && (from === undefined || t.at >= from) && (to === undefined || t.at < to)).slice(0, limit);
    return { alerts };
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
