import { createDetectorRunner } from '../detector/runner.js';
import type { CompiledRule, Transition } from '../engine/types.js';
import type { HerdEvent } from '../events/schema.js';

export interface BacktestProgress {
  readonly events: number;
  readonly total: number;
}

export interface BacktestResult {
  readonly alerts: Transition[];
  readonly perHour: { hour: number; count: number }[];
}

export interface BacktestLimits {
  /** Events handed to the engine between yields to the event loop (progress is reported then). */
  readonly chunk?: number;
  /** Wall-time budget, ms; the run stops with HW_ERR_BACKTEST_LIMIT past it. */
  readonly budgetMs?: number;
  readonly clock?: () => number;
  readonly signal?: AbortSignal;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Firing alerts per hour of onset, every hour between the first and last one present. */
export function firingPerHour(alerts: readonly Transition[]): { hour: number; count: number }[] {
  const counts = new Map<number, number>();
  for (const a of alerts) {
    if (a.state !== 'firing') continue;
    const h = Math.floor(a.onset / 3_600_000) * 3_600_000;
    counts.set(h, (counts.get(h) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => a[0] - b[0]).map(([hour, count]) => ({ hour, count }));
}

/**
 * Runs one rule over events exactly as `herdwatch replay` does — in event-time order, every
 * window closed at the end — so a preview and a replay of the same data agree. Hands the
 * engine `chunk` events at a time and yields in between, so a long run neither blocks the
 * API nor hides its progress.
 */
export async function runBacktest(
  rules: readonly CompiledRule[],
  input: readonly HerdEvent[],
  onProgress: (p: BacktestProgress) => void,
  limits: BacktestLimits = {},
): Promise<BacktestResult[]> {
  const events = [...input].sort((a, b) => a.ts - b.ts);
  const chunk = Math.max(1, limits.chunk ?? 20_000);
  const clock = limits.clock ?? Date.now;
  const started = clock();
  const runners = rules.map((rule) => ({ runner: createDetectorRunner({ rules: [rule] }), out: [] as Transition[] }));
  for (let i = 0; i < events.length; i += chunk) {
    const batch = events.slice(i, i + chunk);
    for (const r of runners) r.out.push(...r.runner.ingest(batch));
    onProgress({ events: Math.min(events.length, i + chunk), total: events.length });
    if (limits.signal?.aborted) throw new Error('backtest aborted');
    if (limits.budgetMs !== undefined && clock() - started > limits.budgetMs) {
      const err = new Error(`the backtest took longer than ${limits.budgetMs} ms; choose fewer hours`) as Error & { code: string };
      err.code = 'HW_ERR_BACKTEST_LIMIT';
      throw err;
    }
    await yieldToLoop();
  }
  const last = events[events.length - 1]?.ts;
  return runners.map((r) => {
    if (last !== undefined) r.out.push(...r.runner.flush(last));
    return { alerts: r.out, perHour: firingPerHour(r.out) };
  });
}
