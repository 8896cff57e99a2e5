import { stringify } from 'yaml';
import { compileRule } from '../rules/compile.js';
import type { HerdRule } from '../rules/schema.js';
import { ANNOTATIONS, canonicalJson, configMapName, sha256, sortKeys } from './names.js';
import { childLabels, ownerReference, type OwnedObjectMeta } from './owner.js';
import type { RenderOptions } from './options.js';

export const RULE_FILE = 'rule.yaml';
export const COMPILED_FILE = 'compiled.json';

export interface RenderedConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: OwnedObjectMeta;
  data: Record<string, string>;
}

/** The rule as detectors load it: a HerdRule document with the topic resolved. */
export function ruleDocument(rule: HerdRule, opts: RenderOptions): Record<string, unknown> {
  const spec = rule.spec;
  return sortKeys({
    apiVersion: rule.apiVersion,
    kind: rule.kind,
    metadata: { name: rule.metadata.name, namespace: rule.metadata.namespace, uid: rule.metadata.uid, generation: rule.metadata.generation },
    spec: { ...spec, source: { ...spec.source, topic: spec.source.topic ?? opts.defaultTopic } },
  }) as Record<string, unknown>;
}

/** The engine's form of the rule, JSON-safe: sets become sorted arrays, "no limit" becomes null. */
export function compiledJson(rule: HerdRule): string {
  const spec = rule.spec;
  const c = compileRule({ uid: rule.metadata.uid ?? '', namespace: rule.metadata.namespace ?? '', name: rule.metadata.name }, spec);
  const finite = (n: number) => (Number.isFinite(n) ? n : null);
  return canonicalJson({
    ...c,
    eventTypes: c.eventTypes ? [...c.eventTypes].sort() : null,
    match: c.match ? Object.fromEntries([...c.match].map(([k, v]) => [k, [...v].sort()])) : null,
    detector: { ...c.detector, maxEvents: finite(c.detector.maxEvents), above: finite(c.detector.above) },
  }, 2) + '\n';
}

/**
 * Pure: the ConfigMap `<rule>-rule` holding the rule for its detectors. Same input, same bytes.
 * `rule.spec` must already be validated (the reconciler does that first).
 */
export function configMapForRule(rule: HerdRule, opts: RenderOptions): RenderedConfigMap {
  const data = {
    [RULE_FILE]: stringify(ruleDocument(rule, opts), { sortMapEntries: true, lineWidth: 0 }),
    [COMPILED_FILE]: compiledJson(rule),
  };
  return sortKeys({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: configMapName(rule.metadata.name),
      namespace: rule.metadata.namespace ?? 'default',
      labels: childLabels(rule, 'rule', opts),
      annotations: { [ANNOTATIONS.configHash]: sha256(canonicalJson(data)).slice(0, 16) },
      ownerReferences: [ownerReference(rule)],
    },
    data,
  }) as RenderedConfigMap;
}
