import { API_OPTIONS, apiSettingsFrom } from '../../src/config/api.js';
import type { OptionSpecs } from '../../src/config/options.js';
import { startInProcess } from '../../src/api/in-process.js';
import { HwError } from '../../src/errors.js';
import { createRegistry } from '../../src/metrics/registry.js';
import { loadRuleFiles } from '../../src/rules/index.js';
import { defineCommand, untilAborted } from './command.js';
import { RULES_OPTION } from './rules-option.js';

const OPTIONS = {
  ...API_OPTIONS,
  bus: { type: 'string', env: 'HERDWATCH_BUS', default: 'memory', description: 'Event bus: memory (in-process detectors on --rules); kafka is wired by the Kafka transport' },
  rules: RULES_OPTION,
} as const satisfies OptionSpecs;

export default defineCommand({
  name: 'api',
  summary: 'Serve the HTTP API: ingestion, trending, alerts, live stream, OpenAPI',
  options: OPTIONS,
  async run(o, _positionals, ctx) {
    if (o.bus !== 'memory') {
      throw new HwError('HW_ERR_USAGE', { field: '--bus', expected: 'memory (kafka is not available in this build)', message: `bus "${o.bus}" is not available` });
    }
    const registry = createRegistry({ defaultMetrics: true });
    const stack = await startInProcess({ rules: await loadRuleFiles(o.rules), registry, settings: apiSettingsFrom(o), eventClock: Date.now });
    const address = await stack.app.listen({ host: o.host, port: o.port });
    ctx.err(`herdwatch api: listening on ${address} (in-memory bus)`);
    await untilAborted(ctx.signal);
    await stack.close();
    return 0;
  },
});
