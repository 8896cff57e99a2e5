import type { LoadedRule } from '../rules/index.js';
import type { RuleSummary } from './types.js';

export function summarizeRule(l: LoadedRule): RuleSummary {
  const spec = l.rule.spec;
  return {
    name: l.compiled.name,
    namespace: l.compiled.namespace,
    uid: l.compiled.uid,
    detector: spec.detector.type,
    key: spec.key,
    severity: spec.severity,
    paused: spec.paused,
    ...(spec.description ? { description: spec.description } : {}),
    file: l.file,
  };
}
