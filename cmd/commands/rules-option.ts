import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OptionSpec } from '../../src/config/options.js';

export const RULES_OPTION = {
  type: 'string', env: 'HERDWATCH_RULES', default: 'k8s/examples', description: 'HerdRule YAML file or directory of them',
} as const satisfies OptionSpec;

/**
 * A relative rules path is tried from the working directory first, then from the
 * installation (so `herdwatch dev` finds the examples when started from elsewhere).
 * Runs from cmd/commands (tsx) or dist/cmd/commands (built).
 */
export function resolveRulesPath(path: string): string {
  if (isAbsolute(path) || existsSync(path)) return path;
  for (const up of ['../../', '../../../']) {
    const candidate = fileURLToPath(new URL(up + path, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  return path;
}
