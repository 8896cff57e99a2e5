import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { EVENT_TYPES } from '../events/schema.js';

/** The largest minActors a rule may ask for: the engine counts distinct people exactly up to this many (ACTOR_CAP). */
export const MAX_MIN_ACTORS = 16;

/**
 * The HerdRule spec, written once. scripts/generate.ts turns it into the CRD
 * (k8s/crds/, charts/herdwatch/crds/), the API validator and the UI form.
 * Descriptions become `kubectl explain` text and form help, so write them for users.
 */

/**
 * Durations are `<int><unit>` parts with at least one non-zero part. Window, bucket and
 * lateness use only ms/s/m/h because the API server compares them with CEL's duration(),
 * which follows Go's time.ParseDuration and has no `d`; longer-lived settings may use `d`.
 */
export const POSITIVE_DURATION_PATTERN = '^([0-9]+(ms|s|m|h|d))*0*[1-9][0-9]*(ms|s|m|h|d)([0-9]+(ms|s|m|h|d))*$';
export const SHORT_DURATION_PATTERN = '^([0-9]+(ms|s|m|h))*0*[1-9][0-9]*(ms|s|m|h)([0-9]+(ms|s|m|h))*$';
/** What each duration pattern means, in words, for error messages. */
export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [POSITIVE_DURATION_PATTERN]: 'a positive duration like 10s, 5m, 6h, 1h30m or 7d',
  [SHORT_DURATION_PATTERN]: 'a positive duration in ms, s, m or h like 10s, 5m or 1h30m (no d: use 24h)',
  '^[a-zA-Z0-9._-]+$': 'a Kafka topic name (letters, digits, ".", "_", "-")',
};

const Duration = (description: string, dflt?: string, pattern = POSITIVE_DURATION_PATTERN) =>
  Type.String({ pattern, maxLength: 32, description, ...(dflt === undefined ? {} : { default: dflt }) });
const ShortDuration = (description: string, dflt: string) => Duration(description, dflt, SHORT_DURATION_PATTERN);

const Weight = (type: string) => Type.Optional(Type.Number({ minimum: 0, maximum: 1000, description: `Weight of one ${type} event` }));

const Name = (description: string) => Type.String({ minLength: 1, maxLength: 253, description });

export const SecretKeyRef = Type.Object(
  { name: Name('Secret name in the rule namespace'), key: Name('Key within the Secret') },
  { additionalProperties: false, description: 'A key of a Kubernetes Secret; credentials are never inline' },
);

export const DETECTOR_TYPES = ['surge', 'velocity', 'threshold', 'novelty'] as const;
export type DetectorType = (typeof DETECTOR_TYPES)[number];
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DetectorSchema = Type.Object(
  {
    type: Type.Union(DETECTOR_TYPES.map((t) => Type.Literal(t)), { description: 'surge | velocity | threshold | novelty' }),
    window: Type.Optional(Duration('Short window the detector counts over (surge, velocity); a whole number of buckets. Default: 5m, or 12 buckets when bucket is over 25s (1h at 5m buckets, 6h at 30m)', undefined, SHORT_DURATION_PATTERN)),
    bucket: ShortDuration('Time bucket; events are counted per bucket of event time', '10s'),
    allowedLateness: ShortDuration('How late (event time) an event may arrive and still count', '30s'),
    // surge
    baselineHalfLife: Type.Optional(Duration('surge: half-life of the adaptive baseline (decaying mean and variance); default 6h, or 6 windows when that is longer')),
    minEvents: Type.Optional(Type.Number({ minimum: 0, description: 'surge: minimum weighted events in the window before it can fire' })),
    // At most the engine's actor cap (ACTOR_CAP, src/engine/actors.ts): people are counted exactly up to 16, so a larger minimum could never be met.
    minActors: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_MIN_ACTORS, description: 'surge: minimum distinct people (userId, else sessionId) behind the window\'s count before it can fire; one shopper or one bot never pages. Events with neither count as one person each. At most 16: people are counted exactly up to 16' })),
    escalateAt: Type.Optional(Type.Number({ minimum: 1.1, maximum: 100, description: 'surge: while an alert is open, send an escalated update (same alert id) when the lift reaches this factor × the lift at the last page' })),
    minLift: Type.Optional(Type.Number({ minimum: 1, description: 'surge: minimum ratio of window rate to baseline rate' })),
    sensitivity: Type.Optional(Type.Number({ minimum: 0.5, maximum: 20, description: 'surge: significance in standard deviations of a Poisson-aware score; higher is less sensitive' })),
    cooldown: Type.Optional(Duration('surge/velocity/novelty: after a key resolves, how long before it may fire again')),
    relativeTo: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('site')], {
      description: 'surge: "site" (default) divides each key\'s lift by the site-wide lift, so a surge of everything (or a tracking gap\'s recovery) does not page per product; "none" judges each key alone',
    })),
    seasonality: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('daily'), Type.Literal('weekly')], {
      description: 'surge: "daily" or "weekly" makes the baseline know the hour of day (and day of week, UTC) from the rule\'s own traffic, so a daily rhythm (a morning rise of 3–4×) does not page; needs a day (a week) of history to learn; "none" (default) assumes a flat day',
    })),
    priorBy: Type.Optional(Type.String({
      minLength: 1, maxLength: 128,
      description: 'surge: event field (category, or an attrs field such as brand) whose established keys\' typical rate gives a new or sparse key its starting expectation (an empirical-Bayes prior learnt per value, e.g. per category); absent: every key starts from minEvents per window. See docs/engine.md, "The long tail"',
    })),
    // velocity
    maxEvents: Type.Optional(Type.Integer({ minimum: 1, description: 'velocity: fire when a key has more than this many events within window' })),
    // threshold / novelty
    field: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'threshold: numeric field to compare (e.g. amount); novelty: attribute whose new values are flagged (e.g. location)' })),
    above: Type.Optional(Type.Number({ description: 'threshold: fire when field is strictly above this value' })),
    memory: Type.Optional(Duration('novelty: how long a seen value is remembered for a key')),
    minHistory: Type.Optional(Type.Integer({ minimum: 0, description: 'novelty: events a key must have had before a new value counts as novel' })),
    topK: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'How many trending keys the snapshot keeps' })),
  },
  { additionalProperties: false, description: 'What counts as herd behaviour for this rule' },
);

export const ChannelSchema = Type.Object(
  {
    slack: Type.Optional(Type.Object({
      webhookSecretRef: SecretKeyRef,
      channel: Type.Optional(Type.String({ maxLength: 80, description: 'Channel to post to instead of the webhook\'s default, e.g. #trending' })),
    }, { additionalProperties: false, description: 'Post to Slack through an incoming webhook whose URL is in a Secret' })),
    email: Type.Optional(Type.Object({
      to: Type.Array(Type.String({ format: 'email', maxLength: 254 }), { minItems: 1, maxItems: 50, description: 'Recipients' }),
      smtpSecretRef: Type.Optional(SecretKeyRef),
    }, { additionalProperties: false, description: 'Send email; SMTP credentials from a Secret, or the notifier\'s default SMTP server' })),
    alertmanager: Type.Optional(Type.Object({
      url: Type.Optional(Type.String({ maxLength: 2048, description: 'Alertmanager base URL; the install default when absent' })),
    }, { additionalProperties: false, description: 'Send to Prometheus Alertmanager' })),
    webhook: Type.Optional(Type.Object({ urlSecretRef: SecretKeyRef, signingSecretRef: SecretKeyRef }, {
      additionalProperties: false, description: 'POST JSON to a URL from a Secret, signed (HMAC-SHA256) with a key from a Secret',
    })),
  },
  { additionalProperties: false, description: 'Exactly one of slack, email, alertmanager, webhook' },
);

export const HerdRuleSpecSchema = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 1024, description: 'What the rule is for, in words' })),
    source: Type.Object(
      {
        topic: Type.Optional(Type.String({ minLength: 1, maxLength: 249, pattern: '^[a-zA-Z0-9._-]+$', description: 'Kafka topic to read; the install default when absent' })),
        eventTypes: Type.Optional(Type.Array(Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))), { minItems: 1, uniqueItems: true, description: 'Event types that count; all when absent' })),
        match: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.Array(Type.String({ maxLength: 256 }), { minItems: 1, maxItems: 100 }), {
          description: 'Only events whose field (or attrs.field) is one of the listed values',
        })),
      },
      { additionalProperties: false, default: {}, description: 'Which events the rule looks at; all events on the default topic when absent' },
    ),
    key: Type.String({ minLength: 1, maxLength: 128, default: 'productId', description: 'Event field the rule groups by: productId, userId, category, region or any attrs field' }),
    weightBy: Type.Optional(Type.Union([Type.Literal('events'), Type.Literal('quantity')], {
      description: 'What one event counts as before its weight: "events" (1, or its count) or "quantity" (its units; 1 when absent)',
    })),
    // An object of optional properties, not Type.Record: a Record over literal keys makes every key required.
    weights: Type.Optional(Type.Object(
      {
        view: Weight('view'),
        add_to_cart: Weight('add_to_cart'),
        remove_from_cart: Weight('remove_from_cart'),
        purchase: Weight('purchase'),
        payment: Weight('payment'),
      } satisfies Record<(typeof EVENT_TYPES)[number], unknown>,
      { additionalProperties: false, description: 'Weight per event type; 1 for types not listed' },
    )),
    detector: DetectorSchema,
    severity: Type.Union(SEVERITIES.map((s) => Type.Literal(s)), { default: 'warning', description: 'info | warning | critical' }),
    channels: Type.Optional(Type.Array(ChannelSchema, { maxItems: 20, description: 'Where alerts go' })),
    parallelism: Type.Integer({ minimum: 1, maximum: 64, default: 1, description: 'Detector replicas; at most the topic partitions' }),
    paused: Type.Boolean({ default: false, description: 'Scale detectors to zero without deleting the rule' }),
  },
  { additionalProperties: false },
);

export type HerdRuleSpec = Static<typeof HerdRuleSpecSchema>;
export type DetectorSpec = Static<typeof DetectorSchema>;
export type ChannelSpec = Static<typeof ChannelSchema>;

/**
 * Cross-field rules. Each is written once with its CEL (for the CRD's
 * x-kubernetes-validations, enforced by the API server) and the same check in TypeScript
 * (for the API and YAML loading), so both reject the same rules with the same message.
 */
export interface CrossFieldRule<T> {
  /** Node the rule sits on; for an array the rule applies to each item. */
  readonly path: string;
  /** The field (relative to path) to blame in messages and the CRD's fieldPath. */
  readonly field?: string;
  readonly cel: string;
  readonly message: string;
  readonly check: (value: T) => boolean;
}

const SHORT = new RegExp(SHORT_DURATION_PATTERN);
export const durationMs = (d: string): number => {
  let ms = 0;
  for (const m of d.matchAll(/([0-9]+)(ms|s|m|h|d)/g)) {
    ms += Number(m[1]) * ({ ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 } as Record<string, number>)[m[2]!]!;
  }
  return ms;
};

export const DETECTOR_RULES: readonly CrossFieldRule<DetectorSpec>[] = [
  {
    path: '/detector',
    cel: "self.type != 'velocity' || has(self.maxEvents)",
    field: 'maxEvents',
    message: 'a velocity detector needs maxEvents',
    check: (d) => d.type !== 'velocity' || d.maxEvents !== undefined,
  },
  {
    path: '/detector',
    cel: "self.type != 'threshold' || (has(self.field) && has(self.above))",
    field: 'above',
    message: 'a threshold detector needs field and above',
    check: (d) => d.type !== 'threshold' || (d.field !== undefined && d.above !== undefined),
  },
  {
    path: '/detector',
    cel: "self.type != 'novelty' || has(self.field)",
    field: 'field',
    message: 'a novelty detector needs field',
    check: (d) => d.type !== 'novelty' || d.field !== undefined,
  },
  {
    path: '/detector',
    // CEL's duration() compares '1m' vs '30s' correctly. The API server evaluates CEL even when
    // a pattern already failed, so the guard keeps duration() from a second, confusing error.
    cel: `!has(self.window) || !self.bucket.matches('${SHORT_DURATION_PATTERN}') || !self.window.matches('${SHORT_DURATION_PATTERN}') || duration(self.bucket) <= duration(self.window)`,
    field: 'bucket',
    message: 'bucket must not be longer than window',
    check: (d) => d.window === undefined || !SHORT.test(d.bucket) || !SHORT.test(d.window) || durationMs(d.bucket) <= durationMs(d.window),
  },
  {
    path: '/detector',
    // cel-go's getMilliseconds() on a duration is the whole duration in ms.
    cel: `!has(self.window) || !self.bucket.matches('${SHORT_DURATION_PATTERN}') || !self.window.matches('${SHORT_DURATION_PATTERN}') || duration(self.bucket) > duration(self.window) || duration(self.window).getMilliseconds() % duration(self.bucket).getMilliseconds() == 0`,
    field: 'window',
    message: 'window must be a whole number of buckets (e.g. 5m with 10s or 1m buckets, 1h with 5m buckets)',
    check: (d) => d.window === undefined || !SHORT.test(d.bucket) || !SHORT.test(d.window) || durationMs(d.bucket) > durationMs(d.window)
      || durationMs(d.window) % durationMs(d.bucket) === 0,
  },
];

/** Rules across the spec (detector and key), on the spec itself. */
export const SPEC_RULES: readonly CrossFieldRule<HerdRuleSpec>[] = [
  {
    path: '/',
    cel: "!has(self.detector.priorBy) || self.detector.type == 'surge'",
    field: 'detector/priorBy',
    message: 'priorBy applies to surge detectors only',
    check: (s) => s.detector.priorBy === undefined || s.detector.type === 'surge',
  },
  {
    path: '/',
    cel: '!has(self.detector.priorBy) || self.detector.priorBy != self.key',
    field: 'detector/priorBy',
    message: 'priorBy must name a field other than key: keys borrow the typical rate of the group (e.g. category) they belong to',
    check: (s) => s.detector.priorBy === undefined || s.detector.priorBy !== s.key,
  },
];

export const CHANNEL_RULES: readonly CrossFieldRule<ChannelSpec>[] = [
  {
    path: '/channels',
    cel: "(has(self.slack) ? 1 : 0) + (has(self.email) ? 1 : 0) + (has(self.alertmanager) ? 1 : 0) + (has(self.webhook) ? 1 : 0) == 1",
    message: 'each channel names exactly one of slack, email, alertmanager, webhook',
    check: (c) => [c.slack, c.email, c.alertmanager, c.webhook].filter((x) => x !== undefined).length === 1,
  },
];

/** Status written by the operator. */
export const HerdRuleStatusSchema = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  conditions: Type.Optional(Type.Array(Type.Object({
    type: Type.String(),
    status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')]),
    reason: Type.String(),
    message: Type.String(),
    lastTransitionTime: Type.String({ format: 'date-time' }),
    observedGeneration: Type.Optional(Type.Integer()),
  }))),
  replicas: Type.Optional(Type.Integer()),
  readyReplicas: Type.Optional(Type.Integer()),
  trending: Type.Optional(Type.Integer()),
  lastAlertTime: Type.Optional(Type.String({ format: 'date-time' })),
});
export type HerdRuleStatus = Static<typeof HerdRuleStatusSchema>;

export const API_GROUP = 'herdwatch.io';
export const API_VERSION = 'v1alpha1';
export const KIND = 'HerdRule';
export const PLURAL = 'herdrules';

export interface HerdRule {
  apiVersion: `${typeof API_GROUP}/${typeof API_VERSION}`;
  kind: typeof KIND;
  metadata: { name: string; namespace?: string; uid?: string; generation?: number; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: HerdRuleSpec;
  status?: HerdRuleStatus;
}

export type AnySchema = TSchema;
