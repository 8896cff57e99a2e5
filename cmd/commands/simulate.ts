import type { OptionSpecs } from '../../src/config/options.js';
import { HwError } from '../../src/errors.js';
import { createSimulator } from '../../src/sim/index.js';
import { defineCommand } from './command.js';
import { openTarget, TARGET_OPTIONS } from './targets.js';

const OPTIONS = {
  ...TARGET_OPTIONS,
  rate: { type: 'number', env: 'HERDWATCH_SIM_RATE', default: 50, description: 'Events per second of event time' },
  speed: { type: 'number', env: 'HERDWATCH_SIM_SPEED', default: 1, description: 'Event time runs this many times faster than wall time' },
  seed: { type: 'number', env: 'HERDWATCH_SIM_SEED', default: 1, description: 'Simulator seed' },
  products: { type: 'number', env: 'HERDWATCH_SIM_PRODUCTS', default: 10_000, description: 'Simulated products' },
  duration: { type: 'number', default: 0, description: 'Stop after this many seconds of wall time (0: until Ctrl-C)' },
  surge: { type: 'number', default: 0, description: 'Inject a step surge of this multiple on product rank 1 after 15 min of event time (0: none)' },
  interval: { type: 'number', default: 500, description: 'Milliseconds between requests' },
} as const satisfies OptionSpecs;

export default defineCommand({
  name: 'simulate',
  summary: 'Send simulated shop traffic to an API (or straight to Kafka) at a chosen rate, with a progress line',
  options: OPTIONS,
  async run(o, _positionals, ctx) {
    if (!(o.rate > 0) || !(o.speed > 0) || !(o.interval >= 10)) {
      throw new HwError('HW_ERR_USAGE', { field: '--rate/--speed/--interval', expected: 'rate and speed > 0, interval ≥ 10 ms' });
    }
    const start = Date.now();
    const sim = createSimulator({
      seed: o.seed, products: o.products, eventsPerSecond: o.rate, start,
      surges: o.surge > 0 ? [{ rank: 1, shape: 'step', multiplier: o.surge, start: start + 15 * 60_000, durationMs: 10 * 60_000 }] : [],
    });
    const target = await openTarget(o, ctx.env, ctx.signal, ctx.logger);
    let sent = 0;
    let rejected = 0;
    let retries = 0;
    try {
      const stopAt = o.duration > 0 ? start + o.duration * 1000 : Number.POSITIVE_INFINITY;
      while (!ctx.signal.aborted && Date.now() < stopAt) {
        const events = sim.eventsUntil(start + (Date.now() - start) * o.speed);
        if (events.length > 0) {
          const r = await target.send(events).catch((err: unknown) => {
            if (ctx.signal.aborted) return { accepted: 0, rejected: 0, retries: 0 };
            throw err;
          });
          sent += r.accepted;
          rejected += r.rejected;
          retries += r.retries;
        }
        const secs = Math.max(0.001, (Date.now() - start) / 1000);
        ctx.progress(`\rsent ${sent.toLocaleString('en-US')} events (${Math.round(sent / secs).toLocaleString('en-US')}/s), ${rejected} rejected, ${retries} retries`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, o.interval);
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(t);
            resolve();
          }, { once: true });
        });
      }
    } finally {
      ctx.progress('\n');
      await target.close();
    }
    return 0;
  },
});
