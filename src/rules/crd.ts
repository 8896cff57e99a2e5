import { toJsonSchema, nodeAt, type JsonSchema } from './jsonschema.js';
import {
  API_GROUP, API_VERSION, CHANNEL_RULES, DETECTOR_RULES, HerdRuleSpecSchema, HerdRuleStatusSchema, KIND, PLURAL, SPEC_RULES,
  type CrossFieldRule,
} from './schema.js';

export const CRD_NAME = `${PLURAL}.${API_GROUP}`;

/** Columns `kubectl get herdrules` shows. */
export const PRINTER_COLUMNS = [
  { name: 'Type', type: 'string', jsonPath: '.spec.detector.type', description: 'Detector type' },
  { name: 'Key', type: 'string', jsonPath: '.spec.key', description: 'Event field alerts are grouped by' },
  { name: 'Severity', type: 'string', jsonPath: '.spec.severity' },
  { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Trending', type: 'integer', jsonPath: '.status.trending', description: 'Keys trending now' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
] as const;

function attach(spec: JsonSchema, rules: readonly CrossFieldRule<never>[]): void {
  for (const r of rules) {
    const node = nodeAt(spec, r.path);
    const list = (node['x-kubernetes-validations'] ??= []) as JsonSchema[];
    list.push({ rule: r.cel, message: r.message, ...(r.field === undefined ? {} : { fieldPath: `.${r.field.replaceAll('/', '.')}` }) });
  }
}

function specSchema(): JsonSchema {
  const spec = toJsonSchema(HerdRuleSpecSchema, 'crd');
  spec.description = 'What the rule watches and when it alerts';
  attach(spec, DETECTOR_RULES as readonly CrossFieldRule<never>[]);
  attach(spec, CHANNEL_RULES as readonly CrossFieldRule<never>[]);
  attach(spec, SPEC_RULES as readonly CrossFieldRule<never>[]);
  return spec;
}

function statusSchema(): JsonSchema {
  const status = toJsonSchema(HerdRuleStatusSchema, 'crd');
  status.description = 'Written by the operator';
  const conditions = (status.properties as Record<string, JsonSchema>).conditions!;
  // Conditions are keyed by type, as in every built-in resource, so server-side apply merges them.
  conditions['x-kubernetes-list-type'] = 'map';
  conditions['x-kubernetes-list-map-keys'] = ['type'];
  return status;
}

/** The apiextensions.k8s.io/v1 CustomResourceDefinition for HerdRule. */
export function buildHerdRuleCrd(): JsonSchema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: CRD_NAME,
      annotations: { 'helm.sh/resource-policy': 'keep' },
      labels: { 'app.kubernetes.io/name': 'herdwatch', 'app.kubernetes.io/part-of': 'herdwatch' },
    },
    spec: {
      group: API_GROUP,
      names: { kind: KIND, listKind: `${KIND}List`, plural: PLURAL, singular: KIND.toLowerCase(), shortNames: ['hr'], categories: ['herdwatch'] },
      scope: 'Namespaced',
      versions: [{
        name: API_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: PRINTER_COLUMNS.map((c) => ({ ...c })),
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: 'A HerdRule tells HerdWatch which events to watch, how to group them and when their behaviour is worth an alert.',
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: specSchema(),
              status: statusSchema(),
            },
            required: ['spec'],
          },
        },
      }],
    },
  };
}
