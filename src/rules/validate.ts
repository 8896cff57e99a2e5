import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { parseDuration } from '../config/duration.js';
import { HwError } from '../errors.js';
import { describeErrors, shown, type FieldIssue } from '../events/describe.js';
import '../events/formats.js';
import { windowOf } from './compile.js';
import {
  API_GROUP, API_VERSION, CHANNEL_RULES, DETECTOR_RULES, HerdRuleSpecSchema, KIND, PATTERN_HINTS, SHORT_DURATION_PATTERN, SPEC_RULES,
  type CrossFieldRule, type HerdRule, type HerdRuleSpec,
} from './schema.js';

const checker = TypeCompiler.Compile(HerdRuleSpecSchema);
const SHORT = new RegExp(SHORT_DURATION_PATTERN);

/** HW_ERR_RULE_INVALID with every problem found, so a user fixes them in one pass. */
export class RuleInvalidError extends HwError {
  readonly issues: readonly (FieldIssue & { source?: string })[];

  constructor(issues: readonly (FieldIssue & { source?: string })[], source?: string) {
    const lines = issues.map((i) => `${i.source !== undefined && i.source !== source ? `${i.source}: ` : ''}${i.field}: ${i.message}`);
    super('HW_ERR_RULE_INVALID', {
      source,
      field: issues[0]?.field,
      message: `HerdRule is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${lines.join('; ')}`,
    });
    this.issues = issues;
  }
}

const DURATION_FIELDS = ['window', 'bucket', 'allowedLateness', 'baselineHalfLife', 'cooldown', 'memory'] as const;

function crossField<T>(rules: readonly CrossFieldRule<T>[], value: T, at: string): FieldIssue[] {
  return rules
    .filter((r) => !r.check(value))
    .map((r) => {
      const field = r.field === undefined ? at : `${at}/${r.field}`;
      return { field, expected: r.message, message: r.message };
    });
}

/** Rules across the spec (detector and key), once both are valid on their own. */
function specRuleIssues(spec: HerdRuleSpec, prefix: string): FieldIssue[] {
  return typeof spec.detector === 'object' ? crossField(SPEC_RULES, spec, prefix) : [];
}

/** Validates a spec and returns it with schema defaults applied; issues carry `prefix` on their field. */
export function specIssues(spec: unknown, prefix = ''): { spec: HerdRuleSpec; issues: FieldIssue[] } {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    const expected = 'an object with at least detector.type';
    return { spec: spec as HerdRuleSpec, issues: [{ field: prefix || '/', expected, message: `expected ${expected}, got ${shown(spec)}` }] };
  }
  const withDefaults = Value.Default(HerdRuleSpecSchema, Value.Clone(spec)) as HerdRuleSpec;
  const issues = checker.Check(withDefaults) ? [] : describeErrors(checker.Errors(withDefaults), PATTERN_HINTS, prefix);
  const clean = (under: string) => !issues.some((i) => i.field === under || i.field.startsWith(`${under}/`));

  const detector = `${prefix}/detector`;
  if (clean(detector) && typeof withDefaults.detector === 'object') {
    issues.push(...crossField(DETECTOR_RULES, withDefaults.detector, detector));
    // The window's default follows the bucket (5m, or 12 buckets when buckets are long): filled
    // in here so every consumer of a validated spec sees the window that is counted.
    if (withDefaults.detector.window === undefined && typeof withDefaults.detector.bucket === 'string' && SHORT.test(withDefaults.detector.bucket)) {
      withDefaults.detector.window = windowOf(undefined, withDefaults.detector.bucket);
    }
    for (const f of DURATION_FIELDS) {
      const d = withDefaults.detector[f];
      if (d === undefined) continue;
      try {
        parseDuration(d, `${detector}/${f}`);
      } catch (err) {
        const e = err as HwError;
        issues.push({ field: `${detector}/${f}`, expected: e.expected ?? 'a duration', message: `expected ${e.expected ?? 'a duration'}, got ${shown(d)}` });
      }
    }
  }
  if (clean(detector) && clean(`${prefix}/key`)) issues.push(...specRuleIssues(withDefaults, prefix));
  (Array.isArray(withDefaults.channels) ? withDefaults.channels : []).forEach((c, i) => {
    const at = `${prefix}/channels/${i}`;
    if (clean(at)) issues.push(...crossField(CHANNEL_RULES, c, at));
  });
  return { spec: withDefaults, issues };
}

/** A HerdRule spec from any source (API body, YAML, UI), defaults applied; throws RuleInvalidError. */
export function validateRuleSpec(spec: unknown, source?: string): HerdRuleSpec {
  const r = specIssues(spec);
  if (r.issues.length > 0) throw new RuleInvalidError(r.issues, source);
  return r.spec;
}

// Kubernetes object names: a DNS-1123 subdomain (name) and label (namespace).
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Problems with a whole HerdRule object; the spec comes back with defaults applied. */
export function herdRuleIssues(obj: unknown): { rule: HerdRule; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const need = (field: string, expected: string, got: unknown) => issues.push({ field, expected, message: `expected ${expected}, got ${shown(got)}` });
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    need('/', 'a HerdRule object with apiVersion, kind, metadata and spec', obj);
    return { rule: obj as HerdRule, issues };
  }
  const o = obj as Record<string, unknown>;
  const apiVersion = `${API_GROUP}/${API_VERSION}`;
  if (o.apiVersion !== apiVersion) need('/apiVersion', apiVersion, o.apiVersion);
  if (o.kind !== KIND) need('/kind', KIND, o.kind);
  const meta = (typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : {}) as Record<string, unknown>;
  if (typeof o.metadata !== 'object' || o.metadata === null) need('/metadata', 'an object with name', o.metadata);
  else if (typeof meta.name !== 'string' || meta.name.length > 253 || !NAME.test(meta.name)) {
    need('/metadata/name', 'a lowercase name of letters, digits, "-" and "." (at most 253 characters)', meta.name);
  }
  if (meta.namespace !== undefined && (typeof meta.namespace !== 'string' || meta.namespace.length > 63 || !NAMESPACE.test(meta.namespace))) {
    need('/metadata/namespace', 'a lowercase namespace of letters, digits and "-" (at most 63 characters)', meta.namespace);
  }
  const spec = specIssues(o.spec, '/spec');
  issues.push(...spec.issues);
  const rule = { ...o, metadata: { ...meta }, spec: spec.spec } as unknown as HerdRule;
  return { rule, issues };
}

/** A whole HerdRule (apiVersion, kind, metadata.name, spec); throws RuleInvalidError naming `source`. */
export function validateHerdRule(obj: unknown, source?: string): HerdRule {
  const r = herdRuleIssues(obj);
  if (r.issues.length > 0) throw new RuleInvalidError(r.issues, source);
  return r.rule;
}
