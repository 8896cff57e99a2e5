import type { OptionSpecs } from '../../src/config/options.js';
import { printingSink } from '../../src/detector/printer.js';
import { byEventTime, paceByEventTime, readEventsFile, replayEvents } from '../../src/detector/replay.js';
import { createDetectorRunner } from '../../src/detector/runner.js';
import { HwError } from '../../src/errors.js';
import { loadRuleFiles } from '../../src/rules/index.js';
import { defineCommand } from './command.js';
import { RULES_OPTION, resolveRulesPath } from './rules-option.js';
import { openTarget, TARGET_OPTIONS } from './targets.js';

const OPTIONS = {
  rules: RULES_OPTION,
  speed: { type: 'number', description: 'Replay (or send) this many times faster than event time (default: as fast as possible)' },
  ...TARGET_OPTIONS,
  batch: { type: 'number', default: 500, description: 'Events per request with --to or --kafka-brokers' },
  'utc-offset': { type: 'string', env: 'HERDWATCH_CSV_UTC_OFFSET', description: 'UTC offset of CSV local times, e.g. +05:30 (default UTC)' },
  json: { type: 'boolean', default: false, description: 'Print alerts as NDJSON' },
} as const satisfies OptionSpecs;

export default defineCommand({
  name: 'replay',
  summary: 'Replay a transactions CSV or NDJSON file through the rules and print the alerts',
  usage: '<file> [--rules <dir>] [--speed N] [--to <api-url> | --kafka-brokers <host:port>]',
  options: OPTIONS,
  positionals: true,
  async run(o, positionals, ctx) {
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0) {
      throw new HwError('HW_ERR_USAGE', { field: '<file>', expected: 'exactly one input file', message: file === undefined ? 'no input file given' : `unexpected arguments: ${extra.join(' ')}` });
    }
    if (o.speed !== undefined && !(o.speed > 0)) throw new HwError('HW_ERR_USAGE', { field: '--speed', expected: 'a number > 0' });
    const input = await readEventsFile(file, o['utc-offset'] ? { utcOffset: o['utc-offset'] } : {});
    for (const r of input.rejected) ctx.err(`skipped item ${r.index}: ${r.code} ${r.field ?? ''} ${r.message}`);

    if (o.to !== undefined || o['kafka-brokers'] !== undefined) {
      const target = await openTarget(o, ctx.env, ctx.signal, ctx.logger);
      let accepted = 0;
      let rejected = 0;
      try {
        await paceByEventTime(byEventTime(input.events), async (batch) => {
          const r = await target.send(batch);
          accepted += r.accepted;
          rejected += r.rejected;
          ctx.progress(`\rsent ${accepted + rejected}/${input.events.length} events to ${target.name}, ${accepted} accepted, ${rejected} rejected`);
        }, { ...(o.speed !== undefined ? { speed: o.speed } : {}), maxBatch: Math.max(1, Math.floor(o.batch)), signal: ctx.signal });
      } finally {
        ctx.progress('\n');
        await target.close();
      }
      return 0;
    }

    const rules = (await loadRuleFiles(resolveRulesPath(o.rules))).filter((l) => !l.rule.spec.paused);
    const compiled = rules.map((l) => l.compiled);
    const runner = createDetectorRunner({ rules: compiled, sink: printingSink(ctx.out, compiled, { json: o.json }) });
    const out = await replayEvents(runner, input.events, {
      ...(o.speed !== undefined ? { speed: o.speed } : {}),
      signal: ctx.signal,
      onProgress: o.speed !== undefined ? (done, total) => ctx.progress(`\r${done}/${total} events`) : undefined,
    });
    if (o.speed !== undefined) ctx.progress('\n');
    const firing = out.filter((t) => t.state === 'firing').length;
    ctx.err(`replayed ${input.events.length} events (${input.rejected.length} skipped) through ${rules.length} rule(s): ${firing} firing, ${out.length - firing} resolved`);
    return 0;
  },
});
