import type { FastifyRequest } from 'fastify';
import { HwError } from '../errors.js';
import { ruleMatches, type QueryStore } from '../store/types.js';
import type { RuleRepository } from './rules/types.js';
import type { RuleSummary } from './types.js';

export interface RuleSources {
  readonly store: QueryStore;
  readonly rules: () => readonly RuleSummary[];
  readonly repo?: RuleRepository;
}

/**
 * Throws HW_ERR_NOT_FOUND when `rule` (namespace/name or name) names no rule this API knows:
 * none with data in the store, none loaded, none in the rules repository. Called only when a
 * filtered answer came out empty, so a typo is told apart from a quiet rule cheaply.
 */
export async function requireKnownRule(rule: string | undefined, request: FastifyRequest, from: RuleSources): Promise<void> {
  if (rule === undefined) return;
  if (from.store.trending(rule).length > 0 || from.store.alerts({ rule, limit: 1 }).length > 0) return;
  if (from.rules().some((r) => ruleMatches(`${r.namespace}/${r.name}`, rule))) return;
  if (from.repo) {
    const listed = await from.repo.list({ user: request.caller.user, groups: request.caller.groups });
    if (listed.some((r) => ruleMatches(`${r.namespace}/${r.name}`, rule))) return;
  }
  throw new HwError('HW_ERR_NOT_FOUND', { field: 'rule', expected: 'the name of a rule (GET /api/v1/rules lists them)', message: `no rule ${rule}` });
}
