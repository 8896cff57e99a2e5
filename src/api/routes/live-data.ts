import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CompiledRule } from '../../engine/types.js';
import { HwError } from '../../errors.js';
import type { EventHistory } from '../../store/history.js';
import { keySeries, keyTransitions, parseAlertId } from '../../store/series.js';
import { trafficPerMinute } from '../../store/traffic.js';
import type { TrendSamples } from '../../store/trend-samples.js';
import type { QueryStore } from '../../store/types.js';
import { ErrorBody } from '../schemas.js';

export interface LiveDataDeps {
  readonly history: EventHistory;
  readonly samples: TrendSamples;
  readonly store: QueryStore;
  readonly rules: () => readonly CompiledRule[];
}

const SeriesQuery = Type.Object({
  alert: Type.String({ minLength: 3, maxLength: 1024, description: 'Alert id <rule uid>:<key>:<onset ms>' }),
  hours: Type.Number({ minimum: 0.25, maximum: 48, default: 3, description: 'How far back from the key\'s newest event' }),
}, { additionalProperties: false });
const TrafficQuery = Type.Object({ minutes: Type.Integer({ minimum: 1, maximum: 1_440, default: 60 }) }, { additionalProperties: false });

/**
 * What the web app draws from the recent-event history that `dev` and `api --bus memory`
 * keep: one key's counts for an alert's drill-down, and site traffic per minute.
 */
export async function liveDataRoutes(app: FastifyInstance, deps: LiveDataDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof SeriesQuery> }>('/api/v1/series', {
    schema: { querystring: SeriesQuery },
    config: {
      role: 'read', rateLimited: true,
      openapi: {
        summary: 'An alert\'s key: weighted count per bucket, expected level, threshold, transitions, breakdown', tags: ['query'],
        responses: { 200: { description: 'The series' }, 400: { description: 'Invalid query', schema: ErrorBody }, 404: { description: 'No rule for this alert id', schema: ErrorBody } },
      },
    },
  }, async (request) => {
    const { alert, hours } = request.query;
    const found = parseAlertId(alert, deps.rules());
    if (!found) throw new HwError('HW_ERR_NOT_FOUND', { field: 'alert', expected: 'the id of an alert of a loaded rule', message: `no loaded rule matches alert ${alert}` });
    const { rule, key } = found;
    const s = keySeries(deps.history.events(), rule, key, hours);
    const from = s.points[0]?.t ?? Number.NEGATIVE_INFINITY;
    const d = rule.detector;
    return {
      rule: `${rule.namespace}/${rule.name}`, key, detector: d.type, bucketMs: d.bucketMs, windowMs: d.type === 'threshold' || d.type === 'novelty' ? d.bucketMs : d.windowMs,
      points: s.points,
      expected: deps.samples.of(`${rule.namespace}/${rule.name}`, key).filter((x) => x.t >= from).map((x) => ({ t: x.t, baseline: x.baseline })),
      threshold: d.type === 'surge' ? { minLift: d.minLift, minEvents: d.minEvents } : d.type === 'threshold' ? { above: d.above } : d.type === 'velocity' ? { maxEvents: d.maxEvents } : {},
      transitions: keyTransitions(deps.store.alerts({ limit: 1_000 }), rule, key),
      byType: s.byType, byRegion: s.byRegion, ...(s.product ? { product: s.product } : {}),
    };
  });

  app.get<{ Querystring: Static<typeof TrafficQuery> }>('/api/v1/traffic', {
    schema: { querystring: TrafficQuery },
    config: {
      role: 'read', rateLimited: true,
      openapi: { summary: 'Site traffic per minute of event time by event type', tags: ['query'], responses: { 200: { description: '{minutes: [{minute, byType}]}' }, 400: { description: 'Invalid query', schema: ErrorBody } } },
    },
  }, async (request) => ({ minutes: trafficPerMinute(deps.history.events(), request.query.minutes) }));
}
