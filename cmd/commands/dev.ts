import { API_OPTIONS, apiSettingsFrom } from '../../src/config/api.js';
import type { OptionSpecs } from '../../src/config/options.js';
import { startDevNotifier, DEV_NOTIFIER_OPTIONS } from '../../src/dev/notifier.js';
import { startInProcess } from '../../src/dev/pipeline.js';
import { fanOut } from '../../src/detector/runner.js';
import { listenOrExplain } from '../../src/api/listen.js';
import { acceleratedClock, demoSurges, startLiveSimulation } from '../../src/dev/simulation.js';
import { printingSink } from '../../src/detector/printer.js';
import { HwError } from '../../src/errors.js';
import { errFields } from '../../src/log/logger.js';
import { createRegistry } from '../../src/metrics/registry.js';
import { loadRuleFiles } from '../../src/rules/index.js';
import { createSimulator } from '../../src/sim/index.js';
import { LiveLateness } from '../../src/detector/lateness-watch.js';
import { defineCommand, untilAborted } from './command.js';
import { RULES_OPTION, resolveRulesPath } from './rules-option.js';

const OPTIONS = {
  rules: RULES_OPTION,
  ...API_OPTIONS,
  rate: { type: 'number', env: 'HERDWATCH_SIM_RATE', default: 50, description: 'Simulated site-wide events per second of event time' },
  speed: { type: 'number', env: 'HERDWATCH_SIM_SPEED', default: 30, description: 'Event time runs this many times faster than wall time (60: an hour per minute)' },
  seed: { type: 'number', env: 'HERDWATCH_SIM_SEED', default: 1, description: 'Simulator seed; the same seed gives the same traffic' },
  products: { type: 'number', env: 'HERDWATCH_SIM_PRODUCTS', default: 10_000, description: 'Simulated products' },
  'surge-every': { type: 'number', default: 20, description: 'Minutes of event time between injected demo surges (first after 15)' },
  'day-curve': { type: 'boolean', default: false, description: 'Simulate the daily traffic curve (peaks at 20:00 UTC)' },
  json: { type: 'boolean', default: false, description: 'Print alerts as NDJSON instead of one line each' },
  'save-rules': { type: 'boolean', env: 'HERDWATCH_SAVE_RULES', default: false, description: 'Write rules created or changed in the web app back to the --rules directory' },
  history: { type: 'number', env: 'HERDWATCH_HISTORY', default: 300_000, description: 'Recent events kept in memory for the web app (drill-down, traffic, backtests)' },
  'status-every': { type: 'number', default: 30, description: 'Seconds between status lines on stderr (0: none)' },
  ...DEV_NOTIFIER_OPTIONS,
  'trending-key-metrics': { type: 'number', env: 'HERDWATCH_TRENDING_KEY_METRICS', default: 0, integer: true, min: 0, max: 10, description: 'Per-key lift series on /metrics for the top N trending keys of product-keyed rules (never for rules keyed by people); 0: none' },
} as const satisfies OptionSpecs;

export default defineCommand({
  name: 'dev',
  summary: 'The one-command demo: simulator → engine → alerts in the terminal, API on 127.0.0.1:8080; no external service',
  options: OPTIONS,
  // Only failures are logged by default, so the terminal stays the alert view (the lines below are output, not logs).
  logLevel: 'error',
  async run(o, _positionals, ctx) {
    if (!(o.speed > 0) || !(o.rate > 0)) throw new HwError('HW_ERR_USAGE', { field: '--speed/--rate', expected: 'numbers > 0' });
    // 0 would schedule every surge at the same instant, forever (the simulator never catches up).
    if (!(o['surge-every'] > 0)) throw new HwError('HW_ERR_USAGE', { field: '--surge-every', expected: 'minutes > 0', message: `--surge-every ${o['surge-every']} is out of range` });
    const rules = await loadRuleFiles(resolveRulesPath(o.rules));
    const registry = createRegistry({ defaultMetrics: true });
    const compiled = rules.filter((l) => !l.rule.spec.paused).map((l) => l.compiled);
    // Notification links point at this process's own UI unless --ui-url says otherwise.
    let listenAddress = `http://${o.host}:${o.port}`;
    const notify = await startDevNotifier(o, { rules, registry, env: ctx.env, out: ctx.out, logger: ctx.logger, listenAddress: () => listenAddress });
    const stack = await startInProcess({
      rules, registry, settings: apiSettingsFrom(o),
      alerts: fanOut(printingSink(ctx.out, compiled, { json: o.json }), notify.notifier.asSink()),
      notifications: notify.store,
      logger: ctx.logger,
      historyCapacity: o.history,
      trendingKeyMetrics: o['trending-key-metrics'],
      ...(o['save-rules'] ? { saveRulesDir: resolveRulesPath(o.rules) } : {}),
    });

    let address: string;
    try {
      address = await listenOrExplain(stack.app, o.host, o.port);
      listenAddress = address;
    } catch (err) {
      await stack.close();
      await notify.stop();
      throw err;
    }

    const start = Date.now();
    const simOptions = { seed: o.seed, products: o.products, eventsPerSecond: o.rate, start, ...(o['day-curve'] ? {} : { seasonality: false as const }) };
    const probe = createSimulator(simOptions);
    const surges = demoSurges({ probe, rules: compiled, start, everyMs: o['surge-every'] * 60_000 });
    const sim = createSimulator({ ...simOptions, surges });
    const live = startLiveSimulation({
      sim, sink: stack.bus.eventSink(), runner: stack.runner,
      consumed: () => stack.bus.drain(), eventClock: acceleratedClock(start, o.speed), speed: o.speed,
      onError: (err) => ctx.logger.error({ component: 'simulation', ...errFields(err) }, 'simulator step failed'),
    });

    ctx.err(`herdwatch dev: ${rules.length} rule(s) from ${o.rules}: ${rules.map((l) => `${l.compiled.namespace}/${l.compiled.name}`).join(', ')}`);
    ctx.err(`herdwatch dev: simulating ${o.rate} events/s at ${o.speed}x, seed ${o.seed}; first demo surge after 15 min of event time`);
    ctx.err(`herdwatch dev: ${notify.summary}`);
    ctx.err(`herdwatch dev: API on ${address}  (try ${address}/api/v1/trending, ${address}/api/v1/stream); Ctrl-C stops`);

    // A status line now and then, so a quiet stretch between surges does not look like a hang;
    // it also says when a rule drops late events or its watermark runs ahead of event time.
    const lateness = new LiveLateness();
    const status = setInterval(() => {
      const firing = stack.runner.snapshots().reduce((n, s) => n + s.entries.filter((e) => e.firing).length, 0);
      const warnings = lateness.check(stack.runner.stats(), live.eventTime());
      ctx.err(`herdwatch dev: event time ${new Date(live.eventTime()).toISOString().slice(0, 16)}Z, ${live.published().toLocaleString('en-US')} events, ${firing} firing now${warnings.length > 0 ? `; ${warnings.join('; ')}` : ''}`);
    }, o['status-every'] * 1000);
    if (o['status-every'] <= 0) clearInterval(status);

    await untilAborted(ctx.signal);
    clearInterval(status);
    ctx.err('herdwatch dev: shutting down');
    await live.stop();
    await stack.close();
    await notify.stop();
    return 0;
  },
});
