import type { OptionSpec } from '../../src/config/options.js';

export const RULES_OPTION = {
  type: 'string', env: 'HERDWATCH_RULES', default: 'k8s/examples', description: 'HerdRule YAML file or directory of them',
} as const satisfies OptionSpec;
