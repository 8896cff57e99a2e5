import { describe, expect, it } from 'vitest';
import { buildFormSchema, buildHerdRuleCrd, CHANNEL_RULES, DETECTOR_RULES } from './index.js';

type Node = Record<string, unknown> & { properties?: Record<string, Node>; items?: Node };

const crd = buildHerdRuleCrd() as { spec: { names: Record<string, unknown>; versions: Record<string, unknown>[] } };
const version = crd.spec.versions[0]! as { schema: { openAPIV3Schema: Node }; additionalPrinterColumns: Record<string, unknown>[]; subresources: unknown };
const root = version.schema.openAPIV3Schema;
const spec = root.properties!.spec!;
const detector = spec.properties!.detector!;

function walk(node: unknown, visit: (n: Record<string, unknown>, path: string) => void, path = ''): void {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, visit, `${path}/${i}`));
  else if (node !== null && typeof node === 'object') {
    visit(node as Record<string, unknown>, path);
    for (const [k, v] of Object.entries(node)) walk(v, visit, `${path}/${k}`);
  }
}

describe('HerdRule CRD', () => {
  it('names the resource with shortName hr and category herdwatch', () => {
    expect(crd.spec.names).toEqual({ kind: 'HerdRule', listKind: 'HerdRuleList', plural: 'herdrules', singular: 'herdrule', shortNames: ['hr'], categories: ['herdwatch'] });
    expect(version.subresources).toEqual({ status: {} });
  });

  it('turns literal unions into string enums and keeps defaults and bounds', () => {
    expect(detector.properties!.type).toMatchObject({ type: 'string', enum: ['surge', 'velocity', 'threshold', 'novelty'] });
    expect(spec.properties!.severity).toMatchObject({ type: 'string', enum: ['info', 'warning', 'critical'], default: 'warning' });
    // The window's default follows the bucket (filled in by validation), so the CRD has none.
    expect(detector.properties!.window).toMatchObject({ type: 'string', maxLength: 32 });
    expect(detector.properties!.window!.default).toBeUndefined();
    expect(detector.properties!.minLift).toMatchObject({ type: 'number', minimum: 1 });
    expect(spec.properties!.parallelism).toMatchObject({ type: 'integer', default: 1, minimum: 1, maximum: 64 });
    expect(spec.properties!.source!.properties!.match).toMatchObject({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } });
    expect(spec.required).toEqual(['detector']);
    expect(detector.required).toEqual(['type']);
  });

  it('is structural: no TypeBox internals, unions, uniqueItems or additionalProperties: false', () => {
    walk(root, (n, path) => {
      for (const banned of ['anyOf', 'const', '$id', 'patternProperties', 'uniqueItems']) expect(n, `${path} has ${banned}`).not.toHaveProperty(banned);
      if ('additionalProperties' in n) expect(typeof n.additionalProperties, path).toBe('object');
      if (typeof n.type === 'string' && n.type === 'array') expect(n.items, path).toBeDefined();
    });
    expect(spec.properties!.source!.properties!.eventTypes).toMatchObject({ 'x-kubernetes-list-type': 'set' });
  });

  it('bounds every string and list a CEL rule reads, keeping the CEL cost estimate small', () => {
    for (const f of ['window', 'bucket', 'type', 'field']) {
      const p = detector.properties![f]!;
      expect(p.maxLength !== undefined || p.enum !== undefined, f).toBe(true);
    }
    expect(spec.properties!.channels).toMatchObject({ maxItems: 20 });
  });

  it('carries every cross-field rule as CEL at its node, with the TypeScript message', () => {
    expect(detector['x-kubernetes-validations']).toEqual(DETECTOR_RULES.map((r) => ({ rule: r.cel, message: r.message, fieldPath: `.${r.field}` })));
    expect(spec.properties!.channels!.items!['x-kubernetes-validations']).toEqual(CHANNEL_RULES.map((r) => ({ rule: r.cel, message: r.message })));
    expect(JSON.stringify(detector['x-kubernetes-validations'])).toContain('duration(self.bucket) <= duration(self.window)');
  });

  it('only lets CEL duration() see durations without days', () => {
    const pattern = new RegExp(String(detector.properties!.bucket!.pattern));
    expect(['10s', '5m', '1h30m', '250ms'].every((d) => pattern.test(d))).toBe(true);
    expect(['1d', '0s', '5', 'm', '10 s'].some((d) => pattern.test(d))).toBe(false);
  });

  it('shows the printer columns kubectl needs', () => {
    expect(version.additionalPrinterColumns.map((c) => [c.name, c.type, c.jsonPath])).toEqual([
      ['Type', 'string', '.spec.detector.type'],
      ['Key', 'string', '.spec.key'],
      ['Severity', 'string', '.spec.severity'],
      ['Paused', 'boolean', '.spec.paused'],
      ['Ready', 'string', '.status.conditions[?(@.type=="Ready")].status'],
      ['Trending', 'integer', '.status.trending'],
      ['Age', 'date', '.metadata.creationTimestamp'],
    ]);
  });

  it('keys status conditions by type', () => {
    expect(root.properties!.status!.properties!.conditions).toMatchObject({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
  });
});

describe('UI form schema', () => {
  it('is plain JSON Schema of the spec with what a form needs', () => {
    const form = buildFormSchema() as Node & { 'x-herdwatch': Record<string, unknown> };
    expect(form.properties!.detector!.additionalProperties).toBe(false);
    expect(form.properties!.source!.properties!.eventTypes).toMatchObject({ uniqueItems: true });
    expect(form.properties!.channels!.items!.properties!.email!.properties!.to!.items).toMatchObject({ format: 'email' });
    expect(form['x-herdwatch']).toMatchObject({ detectorTypes: ['surge', 'velocity', 'threshold', 'novelty'], detectorDefaults: { minLift: 2, sensitivity: 5.25 } });
  });
});
