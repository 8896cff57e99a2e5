import { createHash } from 'node:crypto';

/** The one field manager the operator uses for every server-side apply. */
export const FIELD_MANAGER = 'herdwatch-operator';

export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  version: 'app.kubernetes.io/version',
  rule: 'herdwatch.io/rule',
} as const;

export const ANNOTATIONS = {
  /** On the pod template: changes only when an edit needs the detectors to restart. */
  restartHash: 'herdwatch.io/restart-hash',
  /** On the ConfigMap: hash of everything in it (detectors reload the mounted file). */
  configHash: 'herdwatch.io/config-hash',
  ruleGeneration: 'herdwatch.io/rule-generation',
} as const;

export const MANAGED_BY = 'herdwatch-operator';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Label values are at most 63 characters; long rule names keep a prefix and a hash. */
export function labelValue(text: string): string {
  if (text.length <= 63) return text;
  return `${text.slice(0, 52).replace(/[-_.]+$/, '')}-${sha256(text).slice(0, 10)}`;
}

/** A child object name `<rule>-<suffix>` that stays a valid DNS subdomain (<= 253). */
export function childName(rule: string, suffix: string): string {
  const name = `${rule}-${suffix}`;
  if (name.length <= 253) return name;
  const keep = 253 - suffix.length - 12;
  return `${rule.slice(0, keep).replace(/[-.]+$/, '')}-${sha256(rule).slice(0, 10)}-${suffix}`;
}

export const configMapName = (rule: string): string => childName(rule, 'rule');
export const deploymentName = (rule: string): string => childName(rule, 'detector');

export { canonicalJson, sortKeys } from '../canonical-json.js';
