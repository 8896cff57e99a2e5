import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles, type RuleInvalidError } from './index.js';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'hw-rules-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

const rule = (name: string, detector: string, extra = '') => `apiVersion: herdwatch.io/v1alpha1
kind: HerdRule
metadata:
  name: ${name}
${extra}spec:
  key: userId
  detector:
${detector}
`;

describe('loadRuleFiles', () => {
  it('loads every *.yaml and *.yml, multi-document, compiled with a file uid and namespace default', async () => {
    const d = dir({
      'a.yaml': `${rule('velocity', '    type: velocity\n    maxEvents: 3\n    window: 10m')}---\n${rule('big', '    type: threshold\n    field: amount\n    above: 50000', '  namespace: shop\n')}`,
      'b.yml': rule('novel', '    type: novelty\n    field: location'),
      'notes.txt': 'not a rule',
      'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: slack}\n',
    });
    const loaded = await loadRuleFiles(d);
    expect(loaded.map((l) => [l.compiled.uid, l.document, l.file.endsWith('a.yaml') || l.file.endsWith('b.yml')])).toEqual([
      ['file:default/velocity', 0, true], ['file:shop/big', 1, true], ['file:default/novel', 0, true],
    ]);
    expect(loaded[0]?.compiled).toMatchObject({ namespace: 'default', key: 'userId', detector: { type: 'velocity', maxEvents: 3, windowMs: 600_000 } });
    expect(loaded[1]?.rule.metadata.namespace).toBe('shop');
    expect((await loadRuleFiles(join(d, 'b.yml')))[0]?.rule.spec.detector.field).toBe('location');
  });

  it('keeps a uid the file gives', async () => {
    const d = dir({ 'a.yaml': rule('r', '    type: surge', '  uid: abc-123\n') });
    expect((await loadRuleFiles(d))[0]?.compiled.uid).toBe('abc-123');
  });

  it('names the file, document, field and what was expected for every problem', async () => {
    const d = dir({
      'good.yaml': rule('ok', '    type: surge'),
      'bad.yaml': `${rule('one', '    type: surge\n    minLift: 0.5')}---\n${rule('two', '    type: velocity\n    window: 5 min')}`,
    });
    const err = (await loadRuleFiles(d).catch((e: unknown) => e)) as RuleInvalidError;
    expect(err.code).toBe('HW_ERR_RULE_INVALID');
    const bad = join(d, 'bad.yaml');
    expect(err.issues.map((i) => [i.source, i.field])).toEqual([
      [`${bad} (document 1)`, '/spec/detector/minLift'],
      [`${bad} (document 2)`, '/spec/detector/window'],
    ]);
    expect(err.message).toContain(`${bad} (document 1): /spec/detector/minLift: expected number ≥ 1, got 0.5`);
    expect(err.message).toContain(`${bad} (document 2): /spec/detector/window: expected a positive duration`);
  });

  it('reports YAML syntax errors and duplicate names with HW_ERR_RULE_FILE / HW_ERR_RULE_INVALID', async () => {
    await expect(loadRuleFiles(dir({ 'x.yaml': 'spec: [unclosed\n' }))).rejects.toMatchObject({ code: 'HW_ERR_RULE_FILE', message: expect.stringContaining('x.yaml: YAML syntax error') });
    await expect(loadRuleFiles(dir({ 'a.yaml': rule('same', '    type: surge'), 'b.yaml': rule('same', '    type: surge') })))
      .rejects.toMatchObject({ code: 'HW_ERR_RULE_INVALID', message: expect.stringContaining('default/same is already defined in') });
    await expect(loadRuleFiles(dir({}))).rejects.toMatchObject({ code: 'HW_ERR_RULE_FILE', message: expect.stringContaining('directory holds no rule files') });
    await expect(loadRuleFiles('/nonexistent/rules')).rejects.toMatchObject({ code: 'HW_ERR_RULE_FILE' });
  });

  it('loads the shipped examples', async () => {
    const loaded = await loadRuleFiles(join(import.meta.dirname, '../../k8s/examples'));
    const byName = new Map(loaded.map((l) => [l.rule.metadata.name, l.compiled]));
    expect([...byName.keys()].sort()).toEqual(['any-product-surge', 'brand-surge', 'category-surge', 'high-amount', 'new-location', 'new-product-surge', 'purchase-velocity', 'sneaker-surge']);
    expect(byName.get('sneaker-surge')).toMatchObject({ key: 'productId', weights: { view: 1, add_to_cart: 3, purchase: 5 }, detector: { type: 'surge', windowMs: 300_000, bucketMs: 10_000, minLift: 3 } });
    expect(byName.get('sneaker-surge')?.match?.get('category')?.has('sneakers')).toBe(true);
    expect(byName.get('any-product-surge')?.match).toBeNull();
    expect(byName.get('high-amount')).toMatchObject({ key: 'userId', detector: { type: 'threshold', field: 'amount', above: 50_000 } });
    expect(byName.get('purchase-velocity')).toMatchObject({ key: 'userId', detector: { type: 'velocity', maxEvents: 3, windowMs: 600_000 } });
    expect(byName.get('new-location')).toMatchObject({ key: 'userId', detector: { type: 'novelty', field: 'location' } });
  });
});
