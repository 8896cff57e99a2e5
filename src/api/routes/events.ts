import type { FastifyInstance } from 'fastify';
import { enrich, type ValueTierBounds } from '../../events/enrich.js';
import { Type, type Static } from '@sinclair/typebox';
import { readCsvEvents } from '../../events/csv-events.js';
import { CSV_PRESETS, resolveMapping } from '../../events/csv-mapping.js';
import { parseEvents, parseUtcOffset } from '../../events/index.js';
import type { ApiMetrics } from '../../metrics/api.js';
import type { GuardedSink } from '../backpressure.js';
import { HwError } from '../../errors.js';
import { described, errorReplies, IngestBody, MAX_BATCH_EVENTS, IngestRefused, IngestResult } from '../schemas.js';

const CONTENT_TYPES = ['application/json', 'application/x-ndjson', 'application/ndjson', 'text/plain', 'text/csv'];

const IngestQuery = Type.Object({
  csv: Type.Optional(Type.String({ enum: Object.keys(CSV_PRESETS), description: 'text/csv bodies: the export layout (default: detected from the header)' })),
  map: Type.Optional(Type.String({ maxLength: 1024, description: 'text/csv bodies: column mapping field=column,... (e.g. ts=event_time,type=event_type,productId=product_id)' })),
  utcOffset: Type.Optional(Type.String({ maxLength: 8, description: 'text/csv bodies: UTC offset of timestamps without a zone, e.g. +05:30 (default UTC)' })),
}, { additionalProperties: false });
type IngestQuery = Static<typeof IngestQuery>;

export interface EventsRouteDeps {
  readonly sink: GuardedSink;
  readonly metrics: ApiMetrics;
  readonly clock: () => number;
  readonly tiers?: ValueTierBounds;
  /** How far ahead of its receive time an event may be; further is HW_ERR_EVENT_FUTURE. */
  readonly maxFutureSkewMs: number;
}

const INGEST_RESPONSES = {
  202: described(IngestResult, 'Some or all events accepted and acknowledged by the bus'),
  400: described(IngestRefused, 'No valid event in the body (HW_ERR_EVENT_INVALID, HW_ERR_EVENT_FORMAT), or a bad request'),
  ...errorReplies({
    401: 'Missing or unknown token',
    403: 'Token lacks role ingest',
    413: 'Body too large (HW_ERR_BODY_TOO_LARGE), or more events than the batch limit (HW_ERR_BATCH_TOO_LARGE)',
    415: 'Unsupported content type',
    429: 'Rate limit; see Retry-After',
    503: 'Event bus slow or unavailable; see Retry-After. Nothing was accepted.',
  }),
};

/**
 * POST /api/v1/events. The body reaches parseEvents as text, so a malformed line is one
 * rejected item with its index rather than a failed request, and NDJSON needs no parser
 * of its own. 202 only once the bus acknowledged; 400 when nothing in the body was valid.
 */
export async function eventsRoute(app: FastifyInstance, deps: EventsRouteDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(CONTENT_TYPES, { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post<{ Querystring: IngestQuery }>('/api/v1/events', {
    schema: {
      summary: 'Ingest events', tags: ['ingest'],
      description: 'Validates, enriches (receive time, value tier) and publishes events keyed by productId. Each invalid item is reported with its index, code and field; valid items in the same body are still accepted.',
      querystring: IngestQuery,
      response: INGEST_RESPONSES,
    },
    config: {
      role: 'ingest',
      rateLimited: true,
      documentedBody: {
        schema: IngestBody, contentTypes: CONTENT_TYPES,
        description: 'JSON array, one JSON object, NDJSON, a Segment batch, or CSV (text/csv: a header line, then one event per row; see the csv and map parameters)',
      },
    },
  }, async (request, reply) => {
    const now = deps.clock();
    const contentType = request.headers['content-type'];
    const body = (request.body ?? '') as string;
    // One event far in the future would drag every rule's watermark with it (all later events late).
    const limits = { notAfter: now + deps.maxFutureSkewMs };
    const { events, rejected } = contentType !== undefined && /^text\/csv\b/i.test(contentType)
      ? readCsvEvents(body, { ...limits, mapping: resolveMapping({ preset: request.query.csv, map: request.query.map }), utcOffsetMin: parseUtcOffset(request.query.utcOffset) })
      : parseEvents(body, contentType, limits);
    // Refused whole, before anything is published, so a client never has to find where a cut fell.
    const items = events.length + new Set(rejected.map((r) => r.index)).size;
    if (items > MAX_BATCH_EVENTS) {
      throw new HwError('HW_ERR_BATCH_TOO_LARGE', { expected: `at most ${MAX_BATCH_EVENTS} events per request`, message: `the body holds ${items} events; nothing was accepted` });
    }
    for (const r of rejected) deps.metrics.rejectedEvents.inc({ code: r.code });
    if (events.length === 0) {
      // A body that is not events at all is a format error; otherwise each item was invalid.
      const code = rejected.length === 1 && rejected[0]!.code === 'HW_ERR_EVENT_FORMAT' ? 'HW_ERR_EVENT_FORMAT' : 'HW_ERR_EVENT_INVALID';
      deps.metrics.refusedRequests.inc({ code });
      return reply.code(400).send({
        accepted: 0, rejected, code,
        message: rejected.length > 0 ? 'no event in the body is valid' : 'the body holds no events',
      });
    }
    const enriched = events.map((e) => enrich(e, { now, ...(deps.tiers ? { tiers: deps.tiers } : {}) }));
    await deps.sink.send(enriched);
    for (const e of enriched) deps.metrics.ingestedEvents.inc({ type: e.type });
    return reply.code(202).send({ accepted: enriched.length, rejected });
  });
}
