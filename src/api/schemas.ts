import { Type, type TSchema } from '@sinclair/typebox';
import { ERRORS } from '../errors.js';
import { EventSchema } from '../events/schema.js';

/**
 * TypeBox schemas of the API. Each route hands these to fastify in its `schema`: requests
 * are validated and responses serialised with them, and @fastify/swagger makes the OpenAPI
 * document from the same objects, so the document and the server cannot drift apart.
 */

export const ErrorBody = Type.Object({
  code: Type.String({ enum: Object.keys(ERRORS), description: 'Stable HW_ERR_* code; see docs/errors.md' }),
  message: Type.String(),
  field: Type.Optional(Type.String({ description: 'The offending field, query parameter or header' })),
  expected: Type.Optional(Type.String({ description: 'What was expected there' })),
  issues: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), { description: 'HW_ERR_RULE_INVALID: every problem of the rule, each with its field' })),
}, { $id: 'Error' });

/** A response schema with what it means for one route (the document shows it as the answer's description). */
export function described<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}

/** Error answers of a route, status → what it means there; each refers to the shared Error schema. */
export function errorReplies(replies: Readonly<Record<number, string>>): Record<number, TSchema> {
  return Object.fromEntries(Object.entries(replies).map(([status, description]) => [status, Type.Ref('Error', { description })]));
}

export const Rejected = Type.Object({
  index: Type.Integer({ description: 'Position in the batch (array index or NDJSON line, 0-based)' }),
  code: Type.String(),
  field: Type.Optional(Type.String()),
  message: Type.String(),
  line: Type.Optional(Type.Integer({ description: '1-based line of the input (CSV)' })),
});

export const IngestResult = Type.Object({
  accepted: Type.Integer({ description: 'Events acknowledged by the bus' }),
  rejected: Type.Array(Rejected),
});

/** A refused ingest: no valid event (with the rejections), or a request error (with field and expected). */
export const IngestRefused = Type.Object({
  code: Type.String({ description: 'HW_ERR_EVENT_INVALID or HW_ERR_EVENT_FORMAT when no event was valid; another HW_ERR_* code for a bad request' }),
  message: Type.String(),
  accepted: Type.Optional(Type.Integer({ description: '0 when the events were read' })),
  rejected: Type.Optional(Type.Array(Rejected)),
  field: Type.Optional(Type.String()),
  expected: Type.Optional(Type.String()),
});

const RULE_NAME_PATTERN = '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$';
export const RuleName = Type.String({ minLength: 1, maxLength: 253, pattern: RULE_NAME_PATTERN, description: 'namespace/name or name of a rule' });
/** Patterns said in words for error messages. */
export const PATTERN_WORDS: Readonly<Record<string, string>> = {
  [RULE_NAME_PATTERN]: 'a rule name like sneaker-surge or shop/sneaker-surge (lower-case letters, digits, - and .)',
  '^(alert|trending)(,(alert|trending))?$': 'alert, trending or alert,trending',
};
// Optional on the wire (fastify fills the default), so the document does not call it required.
const Limit = (max: number, dflt: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: dflt, description: `At most this many (1–${max})` }));

export const TrendingQuery = Type.Object({ rule: Type.Optional(RuleName), limit: Limit(100, 10) }, { additionalProperties: false });
export const AlertsQuery = Type.Object({
  rule: Type.Optional(RuleName),
  state: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('escalated'), Type.Literal('resolved')], { description: 'firing, escalated or resolved' })),
  key: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Only alerts of this key (e.g. a product id)' })),
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'Only alerts updated at or after this time (epoch ms)' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'Only alerts updated before this time (epoch ms)' })),
  cursor: Type.Optional(Type.String({ maxLength: 2048, description: 'The `next` of the previous page (alert history only)' })),
  limit: Limit(1000, 100),
}, { additionalProperties: false });
export const StreamQuery = Type.Object({
  rule: Type.Optional(RuleName),
  types: Type.Optional(Type.String({ pattern: '^(alert|trending)(,(alert|trending))?$', description: 'Comma-separated: alert, trending (default both)' })),
}, { additionalProperties: false });

export const TransitionBody = Type.Object({
  id: Type.String({ description: '<rule uid>:<key>:<onset bucket ms>; the same for firing and resolved' }),
  state: Type.Union([Type.Literal('firing'), Type.Literal('escalated'), Type.Literal('resolved')], { description: 'escalated updates the open alert with the same id' }),
  ruleUid: Type.String(), rule: Type.String(), detector: Type.String(), severity: Type.String(), key: Type.String(),
  onset: Type.Number({ description: 'Event time (ms) the condition began' }),
  at: Type.Number({ description: 'Event time (ms) of this transition' }),
  value: Type.Number(), baseline: Type.Number(), lift: Type.Number(), score: Type.Number(),
  reason: Type.String(),
  eventIds: Type.Optional(Type.Array(Type.String())),
  actors: Type.Optional(Type.Number({ description: 'Distinct people (userId, else sessionId) behind the count' })),
  pagedLift: Type.Optional(Type.Number({ description: 'On escalated: the lift at the previous page of this alert' })),
  escalation: Type.Optional(Type.Integer({ minimum: 1, description: 'On escalated: 1 for the first escalation, 2 for the next, …' })),
  counted: Type.Optional(Type.String({ description: 'What was counted, in words' })),
}, { additionalProperties: true });

export const TrendingEntryBody = Type.Object({
  key: Type.String(), value: Type.Number(), baseline: Type.Number(), lift: Type.Number(), score: Type.Number(), firing: Type.Boolean(),
  actors: Type.Optional(Type.Integer({ minimum: 0, description: 'Distinct people (userId, else sessionId) behind value; surge rules with minActors > 1; 16 means 16 or more' })),
});
export const TrendingResult = Type.Object({
  rules: Type.Array(Type.Object({ rule: Type.String(), ruleUid: Type.String(), at: Type.Number(), entries: Type.Array(TrendingEntryBody) })),
});
export const AlertsResult = Type.Object({
  alerts: Type.Array(TransitionBody),
  next: Type.Optional(Type.String({ description: 'Cursor of the next page, when there is one (alert history only)' })),
});
export const RulesResult = Type.Object({
  rules: Type.Array(Type.Object({
    name: Type.String(), namespace: Type.String(), uid: Type.String(), detector: Type.String(), key: Type.String(),
    severity: Type.String(), paused: Type.Boolean(), description: Type.Optional(Type.String()), file: Type.Optional(Type.String()),
  })),
});
export const Me = Type.Object({
  authenticated: Type.Boolean({ description: 'False when tokens are required and none valid was sent' }),
  tokensRequired: Type.Boolean(),
  user: Type.String({ description: 'The token\'s user, the SSO proxy\'s user, or anonymous' }),
  roles: Type.Array(Type.String({ enum: ['ingest', 'read', 'edit', 'admin'] })),
  rulesBackend: Type.String({ description: 'files, memory or kubernetes' }),
  defaultNamespace: Type.String(),
});
export const Health = Type.Object({ status: Type.String(), reason: Type.Optional(Type.String()) });

/** Most events (items) one ingest request may carry, whatever its format; more is HW_ERR_BATCH_TOO_LARGE. */
export const MAX_BATCH_EVENTS = 10_000;

export const IngestBody = Type.Union([EventSchema, Type.Array(EventSchema, { maxItems: MAX_BATCH_EVENTS })], {
  description: `One event, an array of events, NDJSON (one event per line) or a Segment batch ({batch:[...]}); at most ${MAX_BATCH_EVENTS} events (lines, rows) in any format`,
});
