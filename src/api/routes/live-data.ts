import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CompiledRule } from '../../engine/types.js';
import { HwError } from '../../errors.js';
import type { HerdEvent } from '../../events/schema.js';
import { bandOf } from '../../store/band.js';
import { keySeries, keyTransitions, parseAlertId, type KeySeries } from '../../store/series.js';
import { trafficPerMinute, type TrafficMinute } from '../../store/traffic.js';
import type { TrendSamples } from '../../store/trend-samples.js';
import type { QueryStore } from '../../store/types.js';
import { SeriesQuery, SeriesResult, TrafficQuery, TrafficResult } from '../live-data-schemas.js';
import type { Caller } from '../rules/types.js';
import { described, errorReplies } from '../schemas.js';

/**
 * Where the drill-down and the traffic chart get their numbers: the recent-event history in
 * `dev` and `api --bus memory`; the events topic (by timestamp) and the traffic topic with
 * Kafka (ADR 0011).
 */
export interface LiveDataDeps {
  readonly series: (rule: CompiledRule, key: string, hours: number) => Promise<KeySeries>;
  readonly traffic: (minutes: number) => Promise<TrafficMinute[]>;
  readonly samples: TrendSamples;
  readonly store: QueryStore;
  /** The rules an alert id may belong to, as this caller may see them. */
  readonly rules: (caller: Caller) => readonly CompiledRule[] | Promise<readonly CompiledRule[]>;
}

/** dev's sources: the in-memory history of recent events. */
export function historyLiveData(history: { events(): Iterable<HerdEvent> }): Pick<LiveDataDeps, 'series' | 'traffic'> {
  return {
    series: async (rule, key, hours) => keySeries(history.events(), rule, key, hours),
    traffic: async (minutes) => trafficPerMinute(history.events(), minutes),
  };
}

const READ_ERRORS = errorReplies({ 400: 'Invalid query parameter', 401: 'Missing or unknown token', 403: 'Token lacks role read', 429: 'Rate limit; see Retry-After' });

/** The web app's drill-down (one key's counts for an alert) and site traffic per minute. */
export async function liveDataRoutes(app: FastifyInstance, deps: LiveDataDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof SeriesQuery> }>('/api/v1/series', {
    schema: {
      summary: 'An alert\'s key: weighted count per bucket, expected band, threshold, transitions, breakdown', tags: ['query'],
      querystring: SeriesQuery,
      response: { 200: described(SeriesResult, 'The series'), ...READ_ERRORS, ...errorReplies({ 404: 'No rule for this alert id' }) },
    },
    config: { role: 'read', rateLimited: true },
  }, async (request) => {
    const { alert, hours } = request.query;
    const found = parseAlertId(alert, await deps.rules(request.caller));
    if (!found) throw new HwError('HW_ERR_NOT_FOUND', { field: 'alert', expected: 'the id of an alert of a loaded rule', message: `no loaded rule matches alert ${alert}` });
    const { rule, key } = found;
    // fastify filled the schema's default; the fallback only satisfies the type.
    const s = await deps.series(rule, key, hours ?? SeriesQuery.properties.hours.default as number);
    const from = s.points[0]?.t ?? Number.NEGATIVE_INFINITY;
    const d = rule.detector;
    const samples = deps.samples.of(`${rule.namespace}/${rule.name}`, key).filter((x) => x.t >= from);
    return {
      rule: `${rule.namespace}/${rule.name}`, key, detector: d.type, bucketMs: d.bucketMs, windowMs: d.type === 'threshold' || d.type === 'novelty' ? d.bucketMs : d.windowMs,
      points: s.points,
      expected: d.type === 'surge' ? samples.map((x) => bandOf(rule, x)) : samples.map((x) => ({ t: x.t, baseline: x.baseline })),
      threshold: d.type === 'surge' ? { minLift: d.minLift, minEvents: d.minEvents, sensitivity: d.sensitivity } : d.type === 'threshold' ? { above: d.above } : d.type === 'velocity' ? { maxEvents: d.maxEvents } : {},
      transitions: keyTransitions(deps.store.alerts({ limit: 1_000 }), rule, key),
      byType: s.byType, byRegion: s.byRegion, ...(s.product ? { product: s.product } : {}),
    };
  });

  app.get<{ Querystring: Static<typeof TrafficQuery> }>('/api/v1/traffic', {
    schema: {
      summary: 'Site traffic per minute of event time by event type', tags: ['query'],
      querystring: TrafficQuery,
      response: { 200: described(TrafficResult, 'Events per minute by type'), ...READ_ERRORS },
    },
    config: { role: 'read', rateLimited: true },
  }, async (request) => ({ minutes: await deps.traffic(request.query.minutes ?? TrafficQuery.properties.minutes.default as number) }));
}
