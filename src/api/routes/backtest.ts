import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

type Prepared = { tried: CompiledRule; saved: CompiledRule | undefined; hours: number };

/** Validates and compiles the body's spec (and the saved rule to compare with) before anything runs. */
async function prepare(request: FastifyRequest<{ Body: Static<typeof StartBody> }>, repo: RuleRepository | undefined): Promise<Prepared> {
  const { spec, hours, compareTo } = request.body;
  const checked = specIssues(spec, '/spec');
  if (checked.issues.length > 0) throw new RuleInvalidError(checked.issues);
  let saved: CompiledRule | undefined;
  if (compareTo && repo) {
    const doc = await repo.get({ user: request.caller.user, groups: request.caller.groups }, compareTo.namespace, compareTo.name);
    saved = compileRule({ uid: doc.uid, namespace: doc.namespace, name: doc.name }, doc.spec);
  }
  const tried = compileRule({ uid: saved?.uid ?? 'backtest', namespace: compareTo?.namespace ?? 'backtest', name: compareTo?.name ?? 'preview' }, checked.spec);
  return { tried, saved, hours };
}

/** Runs one backtest into `job`, calling `changed` on progress and at the end; never throws. */
async function run(job: Job, p: Prepared, source: BacktestSource, settings: BacktestSettings, changed: () => void): Promise<void> {
  try {
    const events = await source.events(job.from, settings.maxEvents);
    job.progress = { events: 0, total: events.length };
    if (events.length > 0) job.from = Math.max(job.from, events.reduce((m, e) => Math.min(m, e.ts), Number.POSITIVE_INFINITY));
    changed();
    const [mine, theirs] = await runBacktest(p.saved ? [p.tried, p.saved] : [p.tried], events, (pr) => { job.progress = pr; changed(); }, { budgetMs: settings.budgetMs });
    job.alerts = mine!.alerts.sort((a, b) => a.onset - b.onset);
    job.perHour = mine!.perHour;
    if (theirs) job.saved = { alerts: theirs.alerts.filter((a) => a.state === 'firing').length, perHour: theirs.perHour };
    job.state = 'done';
  } catch (err) {
    const e = err as { code?: string; message?: string };
    job.error = { code: e.code ?? 'HW_ERR_INTERNAL', message: e.message ?? String(err) };
    job.state = 'failed';
  }
  changed();
}

const START_ERRORS = errorReplies({ 400: 'Invalid body (HW_ERR_BODY_INVALID)', 401: 'Missing or unknown token', 403: 'Token lacks role read', 404: 'No such saved rule to compare with', 422: 'Invalid spec (HW_ERR_RULE_INVALID, with issues)', 429: 'Too many running (HW_ERR_BACKTEST_LIMIT), or rate limit' });

/**
 * "What would this rule have fired?", bounded in events, wall time and concurrent runs.
 * - POST /api/v1/backtests/stream answers with the run itself as NDJSON: the job as it stands,
 *   a few times a second, the finished job last. Stateless, so it works behind any number of
 *   API replicas; the web app uses it.
 * - POST /api/v1/backtests answers 202 with a job that GET /api/v1/backtests/:id polls. The job
 *   lives in the replica that runs it: behind several replicas, use the stream.
 */
export async function backtestRoutes(app: FastifyInstance, deps: { source: BacktestSource; repo?: RuleRepository; settings?: Partial<BacktestSettings> }): Promise<void> {
  const settings = { ...DEFAULT_BACKTEST, ...deps.settings };
  const jobs = new Map<string, Job>();
  let running = 0;

  async function newJob(hours: number): Promise<Job> {
    if (running >= settings.maxRunning) throw new HwError('HW_ERR_BACKTEST_LIMIT', { expected: `at most ${settings.maxRunning} backtests at once` });
    const latest = await deps.source.latest();
    return { id: randomUUID(), state: 'running', progress: { events: 0, total: 0 }, from: latest === undefined ? 0 : latest - hours * 3_600_000, to: latest ?? 0 };
  }

  app.post<{ Body: Static<typeof StartBody> }>('/api/v1/backtests', {
    schema: {
      summary: 'Start a backtest preview of a rule over recent events (polled; on one replica)', tags: ['rules'],
      body: described(StartBody, '{spec, hours, compareTo?}'),
      response: { 202: described(BacktestJobBody, 'The job (poll GET /api/v1/backtests/:id on the same replica)'), ...START_ERRORS },
    },
    config: { role: 'read', rateLimited: true },
  }, async (request, reply) => {
    const p = await prepare(request, deps.repo);
    const job = await newJob(p.hours);
    jobs.set(job.id, job);
    // Finished jobs are kept for a while so the app can read them; the oldest go first.
    while (jobs.size > 50) jobs.delete(jobs.keys().next().value!);
    running++;
    void run(job, p, deps.source, settings, () => undefined).finally(() => running--);
    return reply.code(202).send(job);
  });

  app.post<{ Body: Static<typeof StartBody> }>('/api/v1/backtests/stream', {
    schema: {
      summary: 'Run a backtest preview and stream its progress and result (NDJSON; stateless, any replica)', tags: ['rules'],
      description: 'Each line is the job as it stands: `state: running` with progress while it runs (at most five a second), then one line with `state: done` (alerts, perHour, saved) or `state: failed` (error). Errors found before the run starts (invalid spec, too many running) are ordinary JSON error answers.',
      body: described(StartBody, '{spec, hours, compareTo?}'),
      response: {
        200: { description: 'One job per line, the last one finished', content: { 'application/x-ndjson': { schema: BacktestJobBody } } },
        ...START_ERRORS,
      },
    },
    config: { role: 'read', rateLimited: true },
  }, async (request, reply) => {
    const p = await prepare(request, deps.repo);
    const job = await newJob(p.hours);
    running++;
    const out = new PassThrough();
    let lastLine = 0;
    const write = (force: boolean) => {
      const now = Date.now();
      if (!force && now - lastLine < 200) return;
      lastLine = now;
      out.write(`${JSON.stringify(job)}\n`);
    };
    write(true);
    // A client that goes away stops receiving; the run itself is bounded and finishes.
    request.raw.once('close', () => out.destroy());
    void run(job, p, deps.source, settings, () => write(job.state !== 'running')).finally(() => {
      running--;
      out.end();
    });
    return reply.type('application/x-ndjson').header('cache-control', 'no-store').send(out);
  });

  app.get<{ Params: Static<typeof JobParams> }>('/api/v1/backtests/:id', {
    schema: {
      summary: 'A polled backtest\'s progress and, when done, its alerts and count per hour (on the replica that runs it)', tags: ['rules'], params: JobParams,
      response: { 200: described(BacktestJobBody, 'The job'), ...errorReplies({ 401: 'Missing or unknown token', 403: 'Token lacks role read', 404: 'Unknown or expired job, or one another replica runs' }) },
    },
    config: { role: 'read', rateLimited: false },
  }, async (request) => {
    const job = jobs.get(request.params.id);
    if (!job) throw new HwError('HW_ERR_NOT_FOUND', { field: 'id', message: `no backtest ${request.params.id} on this replica (jobs are per replica; use POST /api/v1/backtests/stream behind several)` });
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
