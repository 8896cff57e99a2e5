import { Type } from '@sinclair/typebox';
import { TransitionBody } from './schemas.js';

/** Schemas of the drill-down series and site-traffic routes (dev's recent-event history, or Kafka: ADR 0011). */

export const SeriesQuery = Type.Object({
  alert: Type.String({ minLength: 3, maxLength: 1024, description: 'Alert id <rule uid>:<key>:<onset ms>' }),
  hours: Type.Optional(Type.Number({ minimum: 0.25, maximum: 48, default: 3, description: 'How far back from the key\'s newest event' })),
}, { additionalProperties: false });
export const TrafficQuery = Type.Object({ minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_440, default: 60 })) }, { additionalProperties: false });

const Counts = Type.Record(Type.String(), Type.Number());

export const SeriesResult = Type.Object({
  rule: Type.String({ description: 'namespace/name' }),
  key: Type.String(),
  detector: Type.String(),
  bucketMs: Type.Number(),
  windowMs: Type.Number(),
  points: Type.Array(Type.Object({
    t: Type.Number({ description: 'Bucket start, epoch ms' }),
    bucket: Type.Number({ description: 'Weighted count in the bucket' }),
    window: Type.Number({ description: 'Weighted count in the window ending with the bucket' }),
  })),
  expected: Type.Array(Type.Object({
    t: Type.Number(),
    baseline: Type.Number({ description: 'Expected window count' }),
    low: Type.Optional(Type.Number({ description: 'surge: expected − one unit of noise on the score\'s scale' })),
    high: Type.Optional(Type.Number({ description: 'surge: expected + one unit of noise' })),
    threshold: Type.Optional(Type.Number({ description: 'surge: the window count the whole-window test fires at' })),
    dispersion: Type.Optional(Type.Number({ description: 'surge: overdispersion φ the key was judged with' })),
  }), { description: 'The engine\'s expected level while the key was trending (from its snapshots)' }),
  threshold: Type.Object({
    minLift: Type.Optional(Type.Number()), minEvents: Type.Optional(Type.Number()), sensitivity: Type.Optional(Type.Number()), above: Type.Optional(Type.Number()), maxEvents: Type.Optional(Type.Number()),
  }, { description: 'The rule\'s firing condition' }),
  transitions: Type.Array(TransitionBody),
  byType: Counts,
  byRegion: Counts,
  product: Type.Optional(Type.Object({ name: Type.Optional(Type.String()), category: Type.Optional(Type.String()) })),
});

export const TrafficResult = Type.Object({
  minutes: Type.Array(Type.Object({ minute: Type.Number({ description: 'Minute start, epoch ms' }), byType: Counts })),
});
