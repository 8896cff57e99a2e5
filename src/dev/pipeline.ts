import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ApiSettings } from '../config/api.js';
import { fanOut, type DetectorRunner } from '../detector/runner.js';
import { errFields, fallbackLogger, type Logger } from '../log/logger.js';
import { createRuleSetRunner } from '../detector/rule-set.js';
import { EventHistory } from '../store/history.js';
import { storeTransactions } from '../notifier/transactions.js';
import { TrendSamples } from '../store/trend-samples.js';
import { MemoryRuleRepository } from '../api/rules/memory.js';
import type { RuleRepository } from '../api/rules/types.js';
import { historySource } from '../api/routes/backtest.js';
import { historyLiveData } from '../api/routes/live-data.js';
import { MemoryQueryStore } from '../store/memory.js';
import type { HerdEvent } from '../events/schema.js';
import { MemoryBus } from '../bus/memory.js';
import type { AlertSink } from '../bus/types.js';
import type { NotifierStore } from '../store/notify/types.js';
import { createDetectorMetrics } from '../metrics/detector.js';
import type { LoadedRule } from '../rules/index.js';
import { buildApi } from '../api/app.js';
import { summarizeRule } from '../api/rule-summary.js';

/**
 * The whole pipeline in one process with no external service: API → in-memory bus →
 * runner (one engine per rule) → query store (+ any extra alert sink, e.g. the terminal).
 * `herdwatch dev` adds the simulator; `herdwatch api --bus memory` runs it as is.
 */
export interface InProcessOptions {
  readonly rules: readonly LoadedRule[];
  /** Per-key lift series on /metrics for the top N trending keys of product-keyed rules (0: none). */
  readonly trendingKeyMetrics?: number;
  readonly registry: Registry;
  readonly settings?: Partial<ApiSettings>;
  readonly alerts?: AlertSink;
  readonly clock?: () => number;
  readonly partitions?: number;
  /**
   * Event-time clock for idle ticks: every `tickMs` the runner's watermark moves to
   * `eventClock() − allowed lateness`, so windows close and alerts resolve when traffic stops.
   * `herdwatch api` passes the wall clock; `dev` drives ticks from its simulator instead.
   */
  readonly eventClock?: () => number;
  readonly tickMs?: number;
  readonly logger?: Logger;
  /** Recent events kept for the web app's drill-down, traffic and backtests (default 300,000). */
  readonly historyCapacity?: number;
  /** Rules changed through the API are also written here (a rules directory). */
  readonly saveRulesDir?: string;
  /** Rules API backend; by default the in-memory repository over `rules` (with `saveRulesDir`). */
  readonly rulesRepo?: RuleRepository;
  /** The notifier's store: the API serves alert history, KPIs and silences from it. */
  readonly notifications?: NotifierStore;
  /** The built web app; see ApiDeps.webRoot. */
  readonly webRoot?: string | null;
}

export interface InProcessStack {
  readonly app: FastifyInstance;
  readonly bus: MemoryBus;
  readonly store: MemoryQueryStore;
  readonly runner: DetectorRunner;
  readonly history: EventHistory;
  readonly rulesRepo: MemoryRuleRepository;
  close(): Promise<void>;
}

export async function startInProcess(o: InProcessOptions): Promise<InProcessStack> {
  const active = o.rules.filter((l) => !l.rule.spec.paused);
  const log = (o.logger ?? fallbackLogger()).child({ component: 'pipeline' });
  // Nothing re-reads old events in one process; a short retention keeps a long demo's memory flat.
  const bus = new MemoryBus({ partitions: o.partitions ?? 3, retention: 10_000, ...(o.clock ? { now: o.clock } : {}) });
  const store = new MemoryQueryStore();
  const runner = createRuleSetRunner({
    rules: active.map((l) => l.compiled),
    sink: fanOut(store, bus.alertSink(), ...(o.alerts ? [o.alerts] : [])),
    metrics: createDetectorMetrics(o.registry, { trendingKeys: o.trendingKeyMetrics ?? 0 }),
    minTrendIntervalMs: 1_000,
    onError: (err) => log.error(errFields(err), 'alert sink failed'),
  });
  const history = new EventHistory(o.historyCapacity);
  // Purchases and payments become transactions and KPI rollups in the notifier's store, in order.
  let storing: Promise<unknown> = Promise.resolve();
  const notifications = o.notifications;
  const unsubscribe = bus.subscribe<HerdEvent>(bus.topics.events, (records) => {
    const events = records.map((r) => r.value);
    history.add(events);
    runner.ingest(events);
    if (notifications) storing = storing.then(() => storeTransactions(notifications, events)).catch((err: unknown) => log.error(errFields(err), 'storing transactions failed'));
  });
  const samples = new TrendSamples();
  const unsubscribeSamples = store.subscribe((ev) => {
    if (ev.kind === 'trending') samples.record(ev.snapshot);
  });
  const rulesRepo = new MemoryRuleRepository({
    rules: o.rules,
    ...(o.saveRulesDir ? { saveDir: o.saveRulesDir } : {}),
    // Edited rules take effect at once; new engines learn their baseline from the history.
    onChange: (rules) => runner.setRules(rules.filter((l) => !l.rule.spec.paused).map((l) => l.compiled), () => history.events()),
  });
  let ticking: Promise<void> = Promise.resolve();
  const ticker = o.eventClock === undefined ? undefined : setInterval(() => {
    const clock = o.eventClock!;
    // Wait until what is on the bus has been ingested, so the tick never overtakes it.
    ticking = ticking.then(() => bus.drain()).then(() => void runner.tick(clock())).catch((err: unknown) => log.error(errFields(err), 'idle tick failed'));
  }, o.tickMs ?? 1_000);
  ticker?.unref();
  const summaries = o.rules.map(summarizeRule);
  const app = await buildApi({
    sink: bus.eventSink(),
    store,
    registry: o.registry,
    rules: () => summaries,
    rulesRepo: o.rulesRepo ?? rulesRepo,
    liveData: { ...historyLiveData(history), samples, store, rules: () => rulesRepo.loaded().map((l) => l.compiled) },
    backtest: { source: historySource(history) },
    ...(o.webRoot !== undefined ? { webRoot: o.webRoot } : {}),
    ...(o.notifications ? { notifications: o.notifications } : {}),
    ...(o.settings ? { settings: o.settings } : {}),
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
  });
  return {
    app, bus, store, runner, history, rulesRepo,
    async close() {
      clearInterval(ticker);
      await app.close();
      await ticking;
      unsubscribe();
      unsubscribeSamples();
      await storing;
      await bus.drain();
      await runner.settled();
    },
  };
}
