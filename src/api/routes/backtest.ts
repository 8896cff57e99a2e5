import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runBacktest, type BacktestResult } from '../../backtest/run.js';
import type { CompiledRule, Transition } from '../../engine/types.js';
import { HwError } from '../../errors.js';
import type { HerdEvent } from '../../events/schema.js';
import { compileRule, RuleInvalidError, specIssues } from '../../rules/index.js';
import type { RuleRepository } from '../rules/types.js';
import { BacktestJobBody, BacktestJobParams as JobParams, StartBacktestBody as StartBody } from '../backtest-schemas.js';
import { described, errorReplies } from '../schemas.js';

/** Where a backtest reads recent events from: dev's history, or Kafka by timestamp. */
export interface BacktestSource {
  /** Events with event time ≥ `from` (ms), at most `max`; `from` undefined = everything held. */
  events(from: number | undefined, max: number): Promise<HerdEvent[]>;
  /** Newest event time held, ms. */
  latest(): Promise<number | undefined>;
}

export interface BacktestSettings {
  readonly maxEvents: number;
  readonly budgetMs: number;
  readonly maxRunning: number;
}

export const DEFAULT_BACKTEST: BacktestSettings = { maxEvents: 1_000_000, budgetMs: 60_000, maxRunning: 2 };

interface Job {
  id: string;
  state: 'running' | 'done' | 'failed';
  progress: { events: number; total: number };
  from: number;
  to: number;
  alerts?: Transition[];
  perHour?: BacktestResult['perHour'];
  saved?: { alerts: number; perHour: BacktestResult['perHour'] };
  error?: { code: string; message: string };
}

/**
 * "What would this rule have fired?": POST starts a bounded run (events, wall time and
 * concurrent runs are capped) and answers 202 with the job; GET polls its progress and result.
 */
export async function backtestRoutes(app: FastifyInstance, deps: { source: BacktestSource; repo?: RuleRepository; settings?: Partial<BacktestSettings> }): Promise<void> {
  const settings = { ...DEFAULT_BACKTEST, ...deps.settings };
  const jobs = new Map<string, Job>();
  let running = 0;

  app.post<{ Body: Static<typeof StartBody> }>('/api/v1/backtests', {
    schema: {
      summary: 'Start a backtest preview of a rule over recent events', tags: ['rules'],
      body: described(StartBody, '{spec, hours, compareTo?}'),
      response: {
        202: described(BacktestJobBody, 'The job (poll GET /api/v1/backtests/:id)'),
        ...errorReplies({ 400: 'Invalid body (HW_ERR_BODY_INVALID)', 401: 'Missing or unknown token', 403: 'Token lacks role read', 404: 'No such saved rule to compare with', 422: 'Invalid spec (HW_ERR_RULE_INVALID, with issues)', 429: 'Too many running (HW_ERR_BACKTEST_LIMIT), or rate limit' }),
      },
    },
    config: { role: 'read', rateLimited: true },
  }, async (request, reply) => {
    const { spec, hours, compareTo } = request.body;
    const checked = specIssues(spec, '/spec');
    if (checked.issues.length > 0) throw new RuleInvalidError(checked.issues);
    let saved: CompiledRule | undefined;
    if (compareTo && deps.repo) {
      const doc = await deps.repo.get({ user: request.caller.user, groups: request.caller.groups }, compareTo.namespace, compareTo.name);
      saved = compileRule({ uid: doc.uid, namespace: doc.namespace, name: doc.name }, doc.spec);
    }
    const tried = compileRule({ uid: saved?.uid ?? 'backtest', namespace: compareTo?.namespace ?? 'backtest', name: compareTo?.name ?? 'preview' }, checked.spec);
    if (running >= settings.maxRunning) throw new HwError('HW_ERR_BACKTEST_LIMIT', { expected: `at most ${settings.maxRunning} backtests at once` });

    const latest = await deps.source.latest();
    const from = latest === undefined ? 0 : latest - hours * 3_600_000;
    const job: Job = { id: randomUUID(), state: 'running', progress: { events: 0, total: 0 }, from, to: latest ?? 0 };
    jobs.set(job.id, job);
    // Finished jobs are kept for a while so the app can read them; the oldest go first.
    while (jobs.size > 50) jobs.delete(jobs.keys().next().value!);
    running++;
    void (async () => {
      try {
        const events = await deps.source.events(from, settings.maxEvents);
        job.progress = { events: 0, total: events.length };
        if (events.length > 0) job.from = Math.max(from, events.reduce((m, e) => Math.min(m, e.ts), Number.POSITIVE_INFINITY));
        const [mine, theirs] = await runBacktest(saved ? [tried, saved] : [tried], events, (p) => { job.progress = p; }, { budgetMs: settings.budgetMs });
        job.alerts = mine!.alerts.sort((a, b) => a.onset - b.onset);
        job.perHour = mine!.perHour;
        if (theirs) job.saved = { alerts: theirs.alerts.filter((a) => a.state === 'firing').length, perHour: theirs.perHour };
        job.state = 'done';
      } catch (err) {
        const e = err as { code?: string; message?: string };
        job.error = { code: e.code ?? 'HW_ERR_INTERNAL', message: e.message ?? String(err) };
        job.state = 'failed';
      } finally {
        running--;
      }
    })();
    return reply.code(202).send(job);
  });

  app.get<{ Params: Static<typeof JobParams> }>('/api/v1/backtests/:id', {
    schema: {
      summary: 'A backtest\'s progress and, when done, its alerts and count per hour', tags: ['rules'], params: JobParams,
      response: { 200: described(BacktestJobBody, 'The job'), ...errorReplies({ 401: 'Missing or unknown token', 403: 'Token lacks role read', 404: 'Unknown or expired job' }) },
    },
    config: { role: 'read', rateLimited: false },
  }, async (request) => {
    const job = jobs.get(request.params.id);
    if (!job) throw new HwError('HW_ERR_NOT_FOUND', { field: 'id', message: `no backtest ${request.params.id}` });
    return job;
  });
}

/** dev's source: the in-memory history of recent events. */
export function historySource(history: { events(): Iterable<HerdEvent>; latestEventTime(): number | undefined }): BacktestSource {
  return {
    async latest() {
      return history.latestEventTime();
    },
    async events(from, max) {
      const out: HerdEvent[] = [];
      for (const e of history.events()) if (from === undefined || e.ts >= from) out.push(e);
      return out.length > max ? out.slice(out.length - max) : out;
    },
  };
}
