import type { CompiledRule } from '../../engine/types.js';
import { compileRule } from '../../rules/index.js';
import type { Caller, RuleRepository } from './types.js';

/**
 * The rules an alert id may name (by uid), for `herdwatch api --bus kafka`: the rule files'
 * and, on Kubernetes, the HerdRules the caller may read (through the repository, as them).
 */
export function knownRules(files: readonly CompiledRule[], repo: RuleRepository | undefined): (caller: Caller) => Promise<readonly CompiledRule[]> {
  return async (caller) => {
    if (!repo) return files;
    const fromCluster = (await repo.list(caller)).flatMap((d) => {
      try {
        return [compileRule({ uid: d.uid, namespace: d.namespace, name: d.name }, d.spec)];
      } catch {
        return []; // the API server validated it; a rule this version cannot compile has no drill-down
      }
    });
    return [...files, ...fromCluster];
  };
}
