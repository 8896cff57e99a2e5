import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseDuration } from '../../config/duration.js';
import { HwError } from '../../errors.js';
import { silenceMatches } from '../../store/notify/merge.js';
import type { AlertRecord, NotifierStore, Silence } from '../../store/notify/types.js';
import { AckBody, AlertDetail, AlertIdParams, KpisQueryWire, KpisResult, NewSilence, SilenceBody, SilenceIdParams, SilencesResult } from '../history-schemas.js';
import { described, errorReplies } from '../schemas.js';
import { disabledTargetRoutes } from './disabled-targets.js';
import { guarded, STORE_ROUTE_ERRORS } from './history-common.js';

const COMMON = STORE_ROUTE_ERRORS;
const SilenceCreated = Type.Object({ silence: SilenceBody });
const DAY = 86_400_000;

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
    schema: {
      summary: 'One alert with its transitions and deliveries', tags: ['history'], params: AlertIdParams,
      response: { 200: described(AlertDetail, 'The alert'), ...errorReplies({ 404: 'No such alert (HW_ERR_NOT_FOUND)' }), ...COMMON },
    },
    config: { role: 'read', rateLimited: true },
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
    schema: {
      summary: 'Revenue and orders per minute, hour or day', tags: ['history'],
      description: 'Rollups of stored purchases and payments: totals and breakdowns by value tier, payment method and region per bucket, and the top products and regions over the range.',
      querystring: KpisQueryWire,
      response: { 200: described(KpisResult, 'KPIs'), ...errorReplies({ 400: 'Invalid query (HW_ERR_QUERY_INVALID)' }), ...COMMON },
    },
    config: { role: 'read', rateLimited: true },
  }, async (request) => {
    const to = request.query.to ?? clock();
    const from = request.query.from ?? to - DAY;
    if (from >= to) throw new HwError('HW_ERR_QUERY_INVALID', { field: 'from', expected: 'from < to', message: `from ${from} is not before to ${to}` });
    if (to - from > 400 * DAY) throw new HwError('HW_ERR_QUERY_INVALID', { field: 'to', expected: 'a range of at most 400 days', message: 'the range is too long' });
    return guarded(() => store.kpis(from, to, request.query.by ?? 'minute'));
  });

  app.get('/api/v1/silences', {
    schema: { summary: 'Active silences and acknowledgements', tags: ['history'], response: { 200: described(SilencesResult, 'Silences'), ...COMMON } },
    config: { role: 'read', rateLimited: true },
  }, async () => guarded(async () => ({ silences: await store.silences(clock()) })));

  app.post<{ Body: Static<typeof NewSilence> }>('/api/v1/silences', {
    schema: {
      summary: 'Silence or acknowledge an alert, a rule or a key for a while', tags: ['history'],
      description: 'A silence mutes every notification that matches; an ack mutes escalations of an alert someone is handling and still lets its resolve through.',
      body: described(NewSilence, 'alertId, or rule and/or key; for (e.g. "2h") or until (epoch ms)'),
      response: { 201: described(SilenceCreated, 'Created'), ...errorReplies({ 400: 'Invalid silence (HW_ERR_SILENCE_INVALID)' }), ...COMMON },
    },
    config: { role: 'edit', rateLimited: true, bodyErrorCode: 'HW_ERR_SILENCE_INVALID' },
  }, async (request, reply) => {
    const b = request.body;
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

  app.post<{ Params: Static<typeof AlertIdParams>; Body: Static<typeof AckBody> | undefined }>('/api/v1/alerts/:id/ack', {
    schema: {
      summary: 'Acknowledge an alert (no escalation messages; the resolve still goes out)', tags: ['history'],
      params: AlertIdParams, body: described(AckBody, 'for (default 4h), by, comment; all optional'),
      response: { 201: described(SilenceCreated, 'The ack'), ...errorReplies({ 400: 'Invalid ack (HW_ERR_SILENCE_INVALID)', 404: 'No such alert' }), ...COMMON },
    },
    config: { role: 'edit', rateLimited: true, bodyErrorCode: 'HW_ERR_SILENCE_INVALID' },
  }, async (request, reply) => {
    const b = request.body ?? {};
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
    schema: {
      summary: 'End a silence or acknowledgement now', tags: ['history'], params: SilenceIdParams,
      response: { 204: Type.Null({ description: 'Removed' }), ...errorReplies({ 404: 'No such silence' }), ...COMMON },
    },
    config: { role: 'edit', rateLimited: true },
  }, async (request, reply) => {
    if (!(await guarded(() => store.removeSilence(request.params.id)))) throw new HwError('HW_ERR_NOT_FOUND', { field: 'id', message: `no silence ${request.params.id}` });
    return reply.code(204).send();
  });

  await disabledTargetRoutes(app, { store });
}
