import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HwError } from '../../errors.js';
import { decodeCursor } from '../../store/notify/merge.js';
import type { NotifierStore } from '../../store/notify/types.js';
import { requireKnownRule, type RuleSources } from '../known-rule.js';
import { AlertsQuery, AlertsResult, described, errorReplies, RulesResult, TrendingQuery, TrendingResult } from '../schemas.js';

const READ_ERRORS = errorReplies({
  400: 'Invalid query parameter (HW_ERR_QUERY_INVALID)',
  401: 'Missing or unknown token (when tokens are configured)',
  403: 'Token lacks role read',
  429: 'Rate limit; see Retry-After',
});
const RULE_READ_ERRORS = { ...READ_ERRORS, ...errorReplies({ 404: 'No rule of that name (HW_ERR_NOT_FOUND)' }) };

/** Read side: what is trending, recent alert transitions, loaded rules. */
export async function queryRoutes(app: FastifyInstance, deps: RuleSources & { listRules?: boolean; history?: NotifierStore }): Promise<void> {
  app.get<{ Querystring: Static<typeof TrendingQuery> }>('/api/v1/trending', {
    schema: {
      summary: 'What is trending now', tags: ['query'],
      description: 'The latest trending snapshot of each rule (or of one rule), top entries by lift first.',
      querystring: TrendingQuery,
      response: { 200: described(TrendingResult, 'Snapshots per rule'), ...RULE_READ_ERRORS },
    },
    config: { role: 'read', rateLimited: true },
  }, async (request) => {
    const { rule, limit } = request.query;
    const snapshots = deps.store.trending(rule);
    if (snapshots.length === 0) await requireKnownRule(rule, request, deps);
    return {
      rules: snapshots.map((s) => ({ rule: s.rule, ruleUid: s.ruleUid, at: s.at, entries: s.entries.slice(0, limit) })),
    };
  });

  app.get<{ Querystring: Static<typeof AlertsQuery> }>('/api/v1/alerts', {
    schema: {
      summary: 'Alert transitions, newest first', tags: ['query'],
      description: 'Without a notifier store: the recent transitions this process saw. With one (--mongodb, or dev): every stored alert, newest first, as its latest transition, paginated with `cursor`; `from`/`to` filter on when the alert last changed. A transition id is the same for a firing and its resolved.',
      querystring: AlertsQuery,
      response: { 200: described(AlertsResult, 'Transitions'), ...RULE_READ_ERRORS, ...errorReplies({ 503: 'The alert store is unavailable (HW_ERR_STORE)' }) },
    },
    config: { role: 'read', rateLimited: true },
  }, async (request) => {
    const { rule, state, limit, key, from, to, cursor } = request.query;
    if (deps.history) {
      // The notifier's store keeps every alert: page through it, the newest transition of each alert first.
      if (cursor !== undefined && !decodeCursor(cursor)) throw new HwError('HW_ERR_QUERY_INVALID', { field: 'cursor', expected: 'the `next` value of a previous page', message: 'cursor is not one this API gave out' });
      const page = await deps.history.alerts({ limit, ...(rule ? { rule } : {}), ...(state ? { state } : {}), ...(key ? { key } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(cursor ? { cursor } : {}) })
        .catch((err: unknown) => { throw new HwError('HW_ERR_STORE', { message: `the alert store failed: ${(err as Error).message}` }); });
      if (page.alerts.length === 0 && cursor === undefined) await requireKnownRule(rule, request, deps);
      return { alerts: page.alerts.map((a) => a.transitions[a.transitions.length - 1]!), ...(page.next ? { next: page.next } : {}) };
    }
    const recent = deps.store.alerts({ limit: key !== undefined || from !== undefined || to !== undefined ? 100_000 : limit, ...(rule ? { rule } : {}), ...(state ? { state } : {}) });
    const alerts = recent.filter((t) => (key === undefined || t.key === key) && (from === undefined || t.at >= from) && (to === undefined || t.at < to)).slice(0, limit);
    if (alerts.length === 0) await requireKnownRule(rule, request, deps);
    return { alerts };
  });

  // With a rules repository, /api/v1/rules is served by the rules routes instead.
  if (deps.listRules === false) return;
  app.get('/api/v1/rules', {
    schema: { summary: 'Rules loaded', tags: ['query'], response: { 200: described(RulesResult, 'Rules'), ...READ_ERRORS } },
    config: { role: 'read', rateLimited: true },
  }, async () => ({ rules: deps.rules() }));
}
