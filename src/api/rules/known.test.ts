import { describe, expect, it } from 'vitest';
import { compileRule, validateRuleSpec } from '../../rules/index.js';
import { parseAlertId } from '../../store/series.js';
import { knownRules } from './known.js';
import type { Caller, RuleDoc, RuleRepository } from './types.js';

const spec = validateRuleSpec({ key: 'productId', detector: { type: 'surge' } });
const fromFile = compileRule({ uid: 'file:shop/a', namespace: 'shop', name: 'a' }, spec);

function repo(docs: RuleDoc[], seen: Caller[]): RuleRepository {
  return {
    backend: 'kubernetes', defaultNamespace: 'shop',
    list: async (caller: Caller) => { seen.push(caller); return docs; },
  } as unknown as RuleRepository;
}

describe('the rules an alert id may name (api --bus kafka)', () => {
  it('are the rule files\' without Kubernetes', async () => {
    expect(await knownRules([fromFile], undefined)({ user: 'alice', groups: [] })).toEqual([fromFile]);
  });

  it('add the HerdRules the caller may read, listed as that caller, so a cluster rule\'s alert id resolves', async () => {
    const seen: Caller[] = [];
    const rules = await knownRules([fromFile], repo([
      { namespace: 'shop', name: 'b', uid: '6f1c-uid', spec },
      { namespace: 'shop', name: 'broken', uid: 'x', spec: { key: 'productId', detector: { type: 'nope' } } as never },
    ], seen))({ user: 'bob', groups: ['merch'] });
    expect(seen).toEqual([{ user: 'bob', groups: ['merch'] }]);
    expect(rules.map((r) => r.uid)).toEqual(['file:shop/a', '6f1c-uid']);
    expect(parseAlertId('6f1c-uid:sku-1:600000', rules)).toMatchObject({ key: 'sku-1', onset: 600_000, rule: { name: 'b' } });
  });
});
