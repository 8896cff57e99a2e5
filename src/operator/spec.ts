import type { HerdRuleSpec } from '../rules/schema.js';
import { validateRuleSpec } from '../rules/index.js';

/**
 * The spec with defaults applied, or the reason it is invalid. The CRD rejects invalid
 * rules already; this catches rules stored under an older, looser CRD.
 */
export function checkSpec(spec: unknown): { spec: HerdRuleSpec } | { invalid: string } {
  try {
    return { spec: validateRuleSpec(spec) };
  } catch (err) {
    return { invalid: (err as Error).message };
  }
}
