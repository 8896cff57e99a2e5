import { DETECTOR_DEFAULTS } from './compile.js';
import { toJsonSchema, type JsonSchema } from './jsonschema.js';
import { API_GROUP, API_VERSION, CHANNEL_RULES, DETECTOR_RULES, DETECTOR_TYPES, HerdRuleSpecSchema, KIND, SPEC_RULES, type DetectorType } from './schema.js';

/** Which optional detector fields matter for each type, so a form shows only those. */
export const DETECTOR_FIELDS: Readonly<Record<DetectorType, readonly string[]>> = {
  surge: ['window', 'bucket', 'allowedLateness', 'baselineHalfLife', 'minEvents', 'minActors', 'minLift', 'sensitivity', 'escalateAt', 'cooldown', 'relativeTo', 'seasonality', 'priorBy', 'topK'],
  velocity: ['window', 'bucket', 'allowedLateness', 'maxEvents', 'cooldown', 'topK'],
  threshold: ['bucket', 'allowedLateness', 'field', 'above', 'topK'],
  novelty: ['bucket', 'allowedLateness', 'field', 'memory', 'minHistory', 'cooldown', 'topK'],
};

/**
 * The JSON Schema the admin UI renders its rule form from: the same spec schema as the CRD
 * (plain JSON Schema, with additionalProperties and uniqueItems kept), plus what a form
 * needs to be helpful: defaults of optional fields, fields per detector type, and the
 * cross-field rules' messages.
 */
export function buildFormSchema(): JsonSchema {
  const cross = (rules: readonly { path: string; field?: string; message: string }[]) =>
    rules.map((r) => ({ path: r.path, ...(r.field === undefined ? {} : { field: r.field }), message: r.message }));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `${KIND} spec (${API_GROUP}/${API_VERSION})`,
    ...toJsonSchema(HerdRuleSpecSchema, 'form'),
    'x-herdwatch': {
      detectorTypes: [...DETECTOR_TYPES],
      detectorFields: DETECTOR_FIELDS,
      detectorDefaults: DETECTOR_DEFAULTS,
      crossFieldRules: [...cross(DETECTOR_RULES), ...cross(CHANNEL_RULES), ...cross(SPEC_RULES)],
    },
  };
}
