import { describe, expect, it } from 'vitest';
import { compileRule, validateRuleSpec } from './index.js';
import type { LoadedRule } from './load.js';
import { selectRule } from './select.js';

function loaded(namespace: string, name: string): LoadedRule {
  const spec = validateRuleSpec({ key: 'userId', detector: { type: 'threshold', field: 'amount', above: 10 }, severity: 'info' });
  return { compiled: compileRule({ uid: `${namespace}/${name}`, namespace, name }, spec), rule: { metadata: { name, namespace } }, file: 'rules.yaml', document: 0 } as unknown as LoadedRule;
}

describe('--rule', () => {
  const rules = [loaded('shop', 'big'), loaded('default', 'big'), loaded('payments', 'fraud')];

  it('namespace/name picks exactly that rule', () => {
    expect(selectRule(rules, 'shop/big', 'rules.yaml').compiled.uid).toBe('shop/big');
    expect(selectRule(rules, 'payments/fraud', 'rules.yaml').compiled.uid).toBe('payments/fraud');
  });

  it('a bare name means the default namespace, never a rule of that name elsewhere', () => {
    expect(selectRule(rules, 'big', 'rules.yaml').compiled.uid).toBe('default/big');
    expect(() => selectRule(rules, 'fraud', 'rules.yaml')).toThrow(expect.objectContaining({ code: 'HW_ERR_USAGE', field: '--rule' }));
  });

  it('says which rules exist when none matches', () => {
    expect(() => selectRule(rules, 'shop/nope', 'rules.yaml')).toThrow(/shop\/big, default\/big, payments\/fraud/);
  });
});
