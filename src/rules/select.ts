import { HwError } from '../errors.js';
import type { LoadedRule } from './load.js';

/**
 * The rule `--rule` names: `namespace/name`, or a bare `name` in the `default` namespace
 * (as Kubernetes reads a name without a namespace). A bare name never matches another
 * namespace: two rules of one name in two namespaces must not be confused.
 */
export function selectRule(loaded: readonly LoadedRule[], ref: string, from: string): LoadedRule {
  const slash = ref.indexOf('/');
  const ns = slash >= 0 ? ref.slice(0, slash) : 'default';
  const name = slash >= 0 ? ref.slice(slash + 1) : ref;
  const found = loaded.find((l) => l.compiled.name === name && l.compiled.namespace === ns);
  if (!found) {
    throw new HwError('HW_ERR_USAGE', {
      field: '--rule', message: `no rule ${ns}/${name} in ${from}`, expected: loaded.map((l) => `${l.compiled.namespace}/${l.compiled.name}`).join(', '),
    });
  }
  return found;
}
