import { API_GROUP, API_VERSION, KIND, type HerdRule } from '../rules/schema.js';
import { LABELS, MANAGED_BY, labelValue } from './names.js';
import type { RenderOptions } from './options.js';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: true;
  blockOwnerDeletion: true;
}

export interface OwnedObjectMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ownerReferences: OwnerReference[];
}

/** The rule controls its children: deleting the rule lets the garbage collector delete them. */
export function ownerReference(rule: HerdRule): OwnerReference {
  return {
    apiVersion: `${API_GROUP}/${API_VERSION}`,
    kind: KIND,
    name: rule.metadata.name,
    uid: rule.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Labels that select one rule's detector pods; they never change for the life of a rule. */
export function selectorLabels(rule: HerdRule): Record<string, string> {
  return {
    [LABELS.name]: 'herdwatch',
    [LABELS.component]: 'detector',
    [LABELS.instance]: labelValue(rule.metadata.name),
  };
}

export function childLabels(rule: HerdRule, component: 'detector' | 'rule', opts: RenderOptions): Record<string, string> {
  return {
    [LABELS.name]: 'herdwatch',
    [LABELS.component]: component,
    [LABELS.instance]: labelValue(rule.metadata.name),
    [LABELS.partOf]: 'herdwatch',
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.version]: labelValue(opts.version),
    [LABELS.rule]: labelValue(rule.metadata.name),
  };
}
