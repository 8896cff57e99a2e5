import { randomUUID } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseDuration } from '../../config/duration.js';
import { HwError, isHwError } from '../../errors.js';
import { silenceMatches } from '../../store/notify/merge.js';
import type { AlertRecord, NotifierStore, Silence } from '../../store/notify/types.js';
import { AckBody, AlertDetail, AlertIdParams, KpisQueryWire, KpisResult, NewSilence, SilenceBody, SilenceIdParams, SilencesResult } from '../history-schemas.js';
import { ErrorBody } from '../schemas.js';

const ERR = (description: string) => ({ description, schema: ErrorBody });
const COMMON = { 401: ERR('Missing or unknown token'), 403: ERR('Token lacks the role'), 429: ERR('Rate limit; see Retry-After'), 503: ERR('The store is unavailable (HW_ERR_STORE)') } as const;
const DAY = 86_400_000;

/** Store failures become HW_ERR_STORE (503), so a client knows to retry. */
async function guarded<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (isHwError(err)) throw err;
    throw new HwError('HW_ERR_STORE', { message: `the alert store failed: ${(err as Error).message}` });
  }
}

function body<T extends TSchema>(schema: T, value: unknown): Static<T> {
  if (Value.Check(schema as TSchema, value)) return value as Static<T>;
  const first = [...Value.Errors(schema, value)][0];
  throw new HwError('HW_ERR_SILENCE_INVALID', { field: first?.path || '/', message: first?.message ?? 'body is invalid', expected: 'alertId, or rule and/or key, with for (e.g. "2h") or until (epoch ms)' });
}

function untilOf(b: { for?: string | undefined; until?: number | undefined }, now: number, dflt: number | undefined): number {
  const until = b.until ?? (b.for !== undefined ? now + parseDuration(b.for, '/for') : dflt);
  if (until === undefined || until <= now) throw new HwError('HW_ERR_SILENCE_INVALID', { field: b.for !== undefined ? '/for' : '/until', expected: 'a time in the future', message: 'the silence would already be over' });
  return until;
}

/** What the alert view needs besides the record: whether someone silenced or acknowledged it. */
function withSilences(a: AlertRecord, active: readonly Silence[]): AlertRecord & { silencedUntil?: number; ackedBy?: string; ackedUntil?: number } {
  const mine = active.filter((s) => silenceMatches(s, a));
  const silence = mine.filter((s) => s.kind === 'silence').sort((x, y) => y.until - x.until)[0];
  const ack = mine.filter((s) => s.kind === 'ack').sort((x, y) => y.until - x.until)[0];
  return { ...a, ...(silence ? { silencedUntil: silence.until } : {}), ...(ack ? { ackedUntil: ack.until, ...(ack.by ? { ackedBy: ack.by } : {}) } : {}) };
}

/** Alert history with deliveries, per-minute KPIs, silences and acknowledgements, from the notifier's store. */
export async function historyRoutes(app: FastifyInstance, deps: { store: NotifierStore; clock: () => number }): Promise<void> {
  const { store, clock } = deps;

  app.get<{ Params: Static<typeof AlertIdParams> }>('/api/v1/alerts/:id', {
    schema: { params: AlertIdParams },
    config: { role: 'read', rateLimited: true, openapi: { summary: 'One alert with its transitions and deliveries', tags: ['history'], responses: { 200: { description: 'The alert', schema: AlertDetail }, 404: ERR('No such alert (HW_ERR_NOT_FOUND)'), ...COMMON } } },
  }, async (request) => guarded(async () => {
    const alert = await store.alert(request.params.id);
    if (!alert) throw new HwError('HW_ERR_NOT_FOUND', { field: 'id', message: `no alert ${request.params.id}` });
    const [deliveries, active] = await Promise.all([store.deliveries(alert.id), store.silences(clock())]);
    return {
      alert: withSilences(alert, active),
      deliveries: deliveries.map((d) => ({
        id: d.id, channel: d.channel, target: d.target, state: d.state, transition: d.transition, status: d.status, attempts: d.attempts,
        createdAt: d.createdAt, ...(d.status === 'pending' ? { nextAt: d.nextAt } : {}), ...(d.lastError ? { lastError: d.lastError } : {}),
        ...(d.sentAt !== undefined ? { sentAt: d.sentAt } : {}), ...(d.latencyMs !== undefined ? { latencyMs: d.latencyMs } : {}),
      })),
    };
  }));

  app.get<{ Querystring: Static<typeof KpisQueryWire> }>('/api/v1/kpis', {
    schema: { querystring: KpisQueryWire },
    config: {
      role: 'read', rateLimited: true,
      openapi: {
        summary: 'Revenue and orders per minute, hour or day', tags: ['history'],
        description: 'Rollups of stored purchases and payments: totals and breakdowns by value tier, payment method and region per bucket, and the top products and regions over the range.',
        responses: { 200: { description: 'KPIs', schema: KpisResult }, 400: ERR('Invalid query (HW_ERR_QUERY_INVALID)'), ...COMMON },
      },
    },
  }, async (request) => {
    const to = request.query.to ?? clock();
    const from = request.query.from ?? to - DAY;
    if (from >= to) throw new HwError('HW_ERR_QUERY_INVALID', { field: 'from', expected: 'from < to', message: `from ${from} is not before to ${to}` });
    if (to - from > 400 * DAY) throw new HwError('HW_ERR_QUERY_INVALID', { field: 'to', expected: 'a range of at most 400 days', message: 'the range is too long' });
    return guarded(() => store.kpis(from, to, request.query.by ?? 'minute'));
  });

  app.get('/api/v1/silences', {
    config: { role: 'read', rateLimited: true, openapi: { summary: 'Active silences and acknowledgements', tags: ['history'], responses: { 200: { description: 'Silences', schema: SilencesResult }, ...COMMON } } },
  }, async () => guarded(async () => ({ silences: await store.silences(clock()) })));

  app.post<{ Body: unknown }>('/api/v1/silences', {
    config: {
      role: 'edit', rateLimited: true,
      openapi: {
        summary: 'Silence or acknowledge an alert, a rule or a key for a while', tags: ['history'],
        description: 'A silence mutes every notification that matches; an ack mutes escalations of an alert someone is handling and still lets its resolve through.',
        requestBody: { contentTypes: ['application/json'], schema: NewSilence, description: 'alertId, or rule and/or key; for (e.g. "2h") or until (epoch ms)' },
        responses: { 201: { description: 'Created', schema: SilenceBody }, 400: ERR('Invalid silence (HW_ERR_SILENCE_INVALID)'), ...COMMON },
      },
    },
  }, async (request, reply) => {
    const b = body(NewSilence, request.body);
    if (b.alertId === undefined && b.rule === undefined && b.key === undefined) {
      throw new HwError('HW_ERR_SILENCE_INVALID', { field: '/', expected: 'alertId, rule or key', message: 'a silence must name what it silences' });
    }
    const now = clock();
    const s: Silence = {
      id: randomUUID(), kind: b.kind ?? 'silence', createdAt: now, until: untilOf(b, now, undefined),
      ...(b.alertId ? { alertId: b.alertId } : {}), ...(b.rule ? { rule: b.rule } : {}), ...(b.key ? { key: b.key } : {}),
      ...(b.by ? { by: b.by } : {}), ...(b.comment ? { comment: b.comment } : {}),
    };
    await guarded(() => store.addSilence(s));
    return reply.code(201).send({ silence: s });
  });

  app.post<{ Params: Static<typeof AlertIdParams>; Body: unknown }>('/api/v1/alerts/:id/ack', {
    schema: { params: AlertIdParams },
    config: {
      role: 'edit', rateLimited: true,
      openapi: {
        summary: 'Acknowledge an alert (no escalation messages; the resolve still goes out)', tags: ['history'],
        requestBody: { contentTypes: ['application/json'], schema: AckBody, description: 'for (default 4h), by, comment' },
        responses: { 201: { description: 'The ack', schema: SilenceBody }, 404: ERR('No such alert'), ...COMMON },
      },
    },
  }, async (request, reply) => {
    const b = body(AckBody, request.body ?? {});
    const now = clock();
    const alert = await guarded(() => store.alert(request.params.id));
    if (!alert) throw new HwError('HW_ERR_NOT_FOUND', { field: 'id', message: `no alert ${request.params.id}` });
    const s: Silence = {
      id: randomUUID(), kind: 'ack', alertId: alert.id, createdAt: now, until: untilOf(b, now, now + 4 * 3_600_000),
      ...(b.by ? { by: b.by } : {}), ...(b.comment ? { comment: b.comment } : {}),
    };
    await guarded(() => store.addSilence(s));
    return reply.code(201).send({ silence: s });
  });

  app.delete<{ Params: Static<typeof SilenceIdParams> }>('/api/v1/silences/:id', {
    schema: { params: SilenceIdParams },
    config: { role: 'edit', rateLimited: true, openapi: { summary: 'End a silence or acknowledgement now', tags: ['history'], responses: { 204: { description: 'Removed' }, 404: ERR('No such silence'), ...COMMON } } },
  }, async (request, reply) => {
    if (!(await guarded(() => store.removeSilence(request.params.id)))) throw new HwError('HW_ERR_NOT_FOUND', { field: 'id', message: `no silence ${request.params.id}` });
    return reply.code(204).send();
  });
}
