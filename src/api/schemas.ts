import { Type, type TSchema } from '@sinclair/typebox';
import { ERRORS } from '../errors.js';
import { EventSchema } from '../events/schema.js';

/**
 * TypeBox schemas of the API. Query strings are validated by fastify with these very
 * objects, and the OpenAPI document is assembled from the registered routes, so the
 * document and the validation cannot drift apart.
 */

export const ErrorBody = Type.Object({
  code: Type.Union(Object.keys(ERRORS).map((c) => Type.Literal(c)), { description: 'Stable HW_ERR_* code; see docs/errors.md' }),
  message: Type.String(),
  field: Type.Optional(Type.String({ description: 'The offending field, query parameter or header' })),
  expected: Type.Optional(Type.String({ description: 'What was expected there' })),
}, { $id: 'Error' });

export const Rejected = Type.Object({
  index: Type.Integer({ description: 'Position in the batch (array index or NDJSON line, 0-based)' }),
  code: Type.String(),
  field: Type.Optional(Type.String()),
  message: Type.String(),
});

export const IngestResult = Type.Object({
  accepted: Type.Integer({ description: 'Events acknowledged by the bus' }),
  rejected: Type.Array(Rejected),
  code: Type.Optional(Type.String({ description: 'Present on 400: HW_ERR_EVENT_INVALID when no event was valid' })),
  message: Type.Optional(Type.String()),
});

const RULE_NAME_PATTERN = '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$';
export const RuleName = Type.String({ minLength: 1, maxLength: 253, pattern: RULE_NAME_PATTERN, description: 'namespace/name or name of a rule' });
/** Patterns said in words for error messages. */
export const PATTERN_WORDS: Readonly<Record<string, string>> = {
  [RULE_NAME_PATTERN]: 'a rule name like sneaker-surge or shop/sneaker-surge (lower-case letters, digits, - and .)',
  '^(alert|trending)(,(alert|trending))?$': 'alert, trending or alert,trending',
};
const Limit = (max: number, dflt: number) => Type.Integer({ minimum: 1, maximum: max, default: dflt, description: `At most this many (1–${max})` });

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
export const Health = Type.Object({ status: Type.String(), reason: Type.Optional(Type.String()) });

/** Documentation attached to a route (under `config.openapi`); not used for validation. */
export interface RouteDoc {
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly requestBody?: { readonly contentTypes: readonly string[]; readonly schema: TSchema; readonly description: string };
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: TSchema; readonly contentType?: string }>>;
}

export const IngestBody = Type.Union([EventSchema, Type.Array(EventSchema, { maxItems: 10_000 })], {
  description: 'One event, an array of events, NDJSON (one event per line) or a Segment batch ({batch:[...]})',
});
