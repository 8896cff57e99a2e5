export * from './schema.js';
export { compileRule, DETECTOR_DEFAULTS, type RuleIdentity } from './compile.js';
export { validateRuleSpec, validateHerdRule, specIssues, herdRuleIssues, RuleInvalidError } from './validate.js';
export { loadRuleFiles, type LoadedRule } from './load.js';
export { buildHerdRuleCrd, CRD_NAME, PRINTER_COLUMNS } from './crd.js';
export { buildFormSchema, DETECTOR_FIELDS } from './form.js';
