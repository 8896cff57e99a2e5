import { Type } from '@sinclair/typebox';
import { RuleName, TransitionBody } from './schemas.js';

/** Schemas of the alert-history, KPI and silence routes (served when a notifier store is configured). */

const Ms = (description: string) => Type.Integer({ minimum: 0, description });

export const AlertIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 600, description: 'Alert id' }) });
export const SilenceIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const KpisQuery = Type.Object({
  from: Ms('Start, epoch ms (inclusive); default 24 h before `to`'),
  to: Ms('End, epoch ms (exclusive); default now'),
  by: Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')], { default: 'minute', description: 'Bucket size: minute, hour or day' }),
}, { additionalProperties: false });
// from/to are optional on the wire; the handler fills the defaults.
export const KpisQueryWire = Type.Object({ ...KpisQuery.properties, from: Type.Optional(KpisQuery.properties.from), to: Type.Optional(KpisQuery.properties.to) }, { additionalProperties: false });

const Sums = Type.Object({ revenue: Type.Number(), orders: Type.Integer() });
const SumsMap = Type.Record(Type.String(), Sums);
const Ranked = Type.Array(Type.Object({ key: Type.String(), revenue: Type.Number(), orders: Type.Integer() }));
export const KpisResult = Type.Object({
  minutes: Type.Array(Type.Object({
    minute: Type.Number({ description: 'Bucket start, epoch ms' }), revenue: Type.Number(), orders: Type.Integer(),
    byTier: SumsMap, byPayment: SumsMap, byRegion: SumsMap,
  })),
  topProducts: Ranked,
  topRegions: Ranked,
});

export const DeliveryBody = Type.Object({
  id: Type.String(), channel: Type.String({ description: 'slack, email, alertmanager or webhook' }), target: Type.String({ description: '<namespace>/<rule>/<kind>#<index>' }),
  state: Type.String(), transition: Type.String(),
  status: Type.String({ description: 'pending, claimed, sent, dead (dead letter), silenced or digested' }),
  attempts: Type.Integer(), nextAt: Type.Optional(Type.Number()), lastError: Type.Optional(Type.String()),
  createdAt: Type.Number(), sentAt: Type.Optional(Type.Number()), latencyMs: Type.Optional(Type.Number()),
});

export const SilenceBody = Type.Object({
  id: Type.String(), kind: Type.Union([Type.Literal('silence'), Type.Literal('ack')]),
  alertId: Type.Optional(Type.String()), rule: Type.Optional(Type.String()), key: Type.Optional(Type.String()),
  createdAt: Type.Number(), until: Type.Number(), by: Type.Optional(Type.String()), comment: Type.Optional(Type.String()),
});

export const AlertRecordBody = Type.Object({
  id: Type.String(), rule: Type.String(), ruleUid: Type.String(), key: Type.String(), severity: Type.String(), detector: Type.String(),
  state: Type.String({ description: 'State of the newest transition: firing, escalated or resolved' }),
  onset: Type.Number(), firstAt: Type.Number({ description: 'When the notifier first stored it (ms)' }), lastAt: Type.Number(),
  transitions: Type.Array(TransitionBody),
  silencedUntil: Type.Optional(Type.Number()), ackedBy: Type.Optional(Type.String()), ackedUntil: Type.Optional(Type.Number()),
});
export const AlertDetail = Type.Object({ alert: AlertRecordBody, deliveries: Type.Array(DeliveryBody) });

export const NewSilence = Type.Object({
  alertId: Type.Optional(Type.String({ minLength: 1, maxLength: 600 })), rule: Type.Optional(RuleName), key: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  kind: Type.Optional(Type.Union([Type.Literal('silence'), Type.Literal('ack')], { default: 'silence' })),
  for: Type.Optional(Type.String({ description: 'Duration, e.g. 2h' })), until: Type.Optional(Ms('End, epoch ms')),
  by: Type.Optional(Type.String({ maxLength: 128 })), comment: Type.Optional(Type.String({ maxLength: 1024 })),
}, { additionalProperties: false });
export const AckBody = Type.Object({ for: Type.Optional(Type.String()), by: Type.Optional(Type.String({ maxLength: 128 })), comment: Type.Optional(Type.String({ maxLength: 1024 })) }, { additionalProperties: false });
export const SilencesResult = Type.Object({ silences: Type.Array(SilenceBody) });
