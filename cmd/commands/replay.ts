import type { OptionSpecs } from '../../src/config/options.js';
import { latenessWarnings, LatenessWatch } from '../../src/detector/lateness-watch.js';
import { printingSink } from '../../src/detector/printer.js';
import { paceByEventTime } from '../../src/detector/replay.js';
import { InputTally, sortedFileEvents } from '../../src/detector/replay-stream.js';
import { createDetectorRunner } from '../../src/detector/runner.js';
import { HwError } from '../../src/errors.js';
import { resolveMapping } from '../../src/events/csv-mapping.js';
import { parseUtcOffset } from '../../src/events/index.js';
import { loadRuleFiles } from '../../src/rules/index.js';
import { safeText } from '../../src/terminal/safe-text.js';
import { defineCommand, type CommandContext } from './command.js';
import { RULES_OPTION, resolveRulesPath } from './rules-option.js';
import { openTarget, TARGET_OPTIONS } from './targets.js';

const OPTIONS = {
  rules: RULES_OPTION,
  speed: { type: 'number', description: 'Replay (or send) this many times faster than event time (default: as fast as possible)' },
  ...TARGET_OPTIONS,
  batch: { type: 'number', default: 500, description: 'Events per request with --to or --kafka-brokers' },
  'utc-offset': { type: 'string', env: 'HERDWATCH_CSV_UTC_OFFSET', description: 'UTC offset of timestamps without a zone, e.g. +05:30 (default UTC)' },
  'csv-preset': { type: 'string', description: 'CSV layout: transactions, rees46 or events (default: detected from the header)' },
  map: { type: 'string', description: 'CSV column mapping: field=column,... (e.g. ts=event_time,type=event_type,productId=product_id; type:=purchase for a constant type)' },
  'map-file': { type: 'string', description: 'CSV column mapping as a JSON file: {"columns": {"ts": "event_time", ...}, "types": {"cart": "add_to_cart"}}' },
  reorder: { type: 'number', default: 100_000, description: 'Events held to put a nearly sorted file into event-time order (0: keep file order)' },
  'shift-to-now': { type: 'boolean', default: false, description: 'Move all event times so the first event happens now (old exports sent to a live detector are otherwise late)' },
  json: { type: 'boolean', default: false, description: 'Print alerts as NDJSON' },
} as const satisfies OptionSpecs;

const MB = 1024 * 1024;

/** A progress line at most every half second: bytes read, events so far. */
function progressLine(ctx: CommandContext, tally: InputTally): (read: number, total: number) => void {
  let last = 0;
  return (read, total) => {
    const now = Date.now();
    if (now - last < 500 && read < total) return;
    last = now;
    const pct = total > 0 ? Math.floor((read / total) * 100) : 100;
    ctx.progress(`\rread ${pct}% (${(read / MB).toFixed(0)} of ${(total / MB).toFixed(0)} MiB), ${tally.events} events, ${tally.rejected} rejected`);
  };
}

export default defineCommand({
  name: 'replay',
  summary: 'Replay a CSV, NDJSON or JSON file of any size through the rules and print the alerts',
  usage: '<file> [--rules <dir>] [--speed N] [--csv-preset rees46 | --map ... | --map-file f.json] [--to <api-url> | --kafka-brokers <host:port>]',
  options: OPTIONS,
  positionals: true,
  async run(o, positionals, ctx) {
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0) {
      throw new HwError('HW_ERR_USAGE', { field: '<file>', expected: 'exactly one input file', message: file === undefined ? 'no input file given' : `unexpected arguments: ${extra.join(' ')}` });
    }
    if (o.speed !== undefined && !(o.speed > 0)) throw new HwError('HW_ERR_USAGE', { field: '--speed', expected: 'a number > 0' });
    if (!(o.batch >= 1)) throw new HwError('HW_ERR_USAGE', { field: '--batch', expected: 'a number ≥ 1' });
    const mapping = resolveMapping({ preset: o['csv-preset'], map: o.map, mapFile: o['map-file'] });
    const tally = new InputTally();
    const events = sortedFileEvents(file, tally, {
      mapping, utcOffsetMin: parseUtcOffset(o['utc-offset']), onBytes: progressLine(ctx, tally),
      reorder: Math.max(0, Math.floor(o.reorder)),
      ...(o['shift-to-now'] ? { shiftTo: Date.now() } : {}),
    });
    const pace = { ...(o.speed !== undefined ? { speed: o.speed } : {}), signal: ctx.signal };

    const remote = o.to !== undefined || o['kafka-brokers'] !== undefined;
    const rules = remote && o.rules === undefined ? [] : (await loadRuleFiles(resolveRulesPath(o.rules))).filter((l) => !l.rule.spec.paused);
    const compiled = rules.map((l) => l.compiled);
    let summary: string;
    const warnings: string[] = [];
    if (remote) {
      const target = await openTarget(o, ctx.env, ctx.signal, ctx.logger);
      let accepted = 0;
      let refused = 0;
      let stale = 0;
      // A live detector's watermark follows the clock: events older than now − lateness are late there.
      const lateness = Math.max(60_000, ...compiled.map((r) => r.detector.allowedLatenessMs));
      try {
        await paceByEventTime(events, async (batch) => {
          const cutoff = Date.now() - lateness;
          for (const e of batch) if (e.ts < cutoff) stale++;
          const r = await target.send(batch);
          accepted += r.accepted;
          refused += r.rejected;
        }, { ...pace, maxBatch: Math.floor(o.batch) });
      } finally {
        ctx.progress('\n');
        await target.close();
      }
      summary = `sent ${tally.events} events to ${target.name}: ${accepted} accepted, ${refused} rejected by it; ${tally.rejected} rejected while reading`;
      if (stale > 0) {
        warnings.push(`warning: ${stale} of ${accepted + refused} events are older than now − ${lateness / 1000} s: a live detector's watermark follows the clock, so it counts them late and drops them. `
          + 'Replay them locally (without --to), or pass --shift-to-now to move them to the present.');
      }
    } else {
      const runner = createDetectorRunner({ rules: compiled, sink: printingSink(ctx.out, compiled, { json: o.json }) });
      const watch = new LatenessWatch(runner);
      const paced = o.speed !== undefined;
      let last = Number.NEGATIVE_INFINITY;
      let firing = 0;
      let other = 0;
      const count = (ts: readonly { state: string }[]) => {
        for (const t of ts) if (t.state === 'firing') firing++; else other++;
      };
      await paceByEventTime(events, (batch, due) => {
        count(runner.ingest(batch));
        if (paced) count(runner.tick(due));
        watch.observe(batch);
        last = Math.max(last, batch[batch.length - 1]!.ts);
      }, pace);
      ctx.progress('\n');
      if (Number.isFinite(last)) count(runner.flush(last));
      await runner.settled();
      warnings.push(...latenessWarnings(watch));
      summary = `replayed ${tally.events} events (${tally.rejected} rejected) through ${rules.length} rule(s): ${firing} firing, ${other} escalated or resolved`;
    }
    for (const r of tally.examples) ctx.err(safeText(`rejected item ${r.index}${r.line === undefined ? '' : ` (line ${r.line})`}: ${r.code} ${r.field ?? ''} ${r.message}`));
    if (tally.rejected > tally.examples.length) ctx.err(`... and ${tally.rejected - tally.examples.length} more rejected`);
    ctx.err(summary);
    if (tally.rejected > 0) ctx.err(`rejected by reason: ${tally.reasons()}`);
    for (const w of warnings) ctx.err(w);
    if (tally.events === 0) {
      ctx.err(tally.rejected > 0 ? `herdwatch replay: every one of the ${tally.rejected} items in ${file} was rejected` : `herdwatch replay: ${file} holds no events`);
      return 1;
    }
    return 0;
  },
});
