import { Type } from '@sinclair/typebox';
import { TransitionBody } from './schemas.js';

/** Schemas of the backtest routes; the web app's BacktestJob type is the job schema's. */

export const StartBacktestBody = Type.Object({
  spec: Type.Unknown({ description: 'The HerdRule spec to try (as in the editor, unsaved)' }),
  hours: Type.Number({ minimum: 0.1, maximum: 43_800, default: 6, description: 'Hours of event time back from the newest event' }),
  compareTo: Type.Optional(Type.Object({ namespace: Type.String(), name: Type.String() }, { description: 'A saved rule to run over the same events for comparison' })),
}, { additionalProperties: false });
export const BacktestJobParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

const PerHour = Type.Array(Type.Object({ hour: Type.Number({ description: 'Hour start, epoch ms' }), count: Type.Integer({ description: 'Firings in the hour' }) }));

export const BacktestJobBody = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  progress: Type.Object({ events: Type.Integer({ description: 'Events run so far' }), total: Type.Integer() }),
  from: Type.Number({ description: 'Event time the run starts at, epoch ms' }),
  to: Type.Number({ description: 'Newest event time, epoch ms' }),
  alerts: Type.Optional(Type.Array(TransitionBody, { description: 'When done: what the tried rule would have fired, by onset' })),
  perHour: Type.Optional(PerHour),
  saved: Type.Optional(Type.Object({ alerts: Type.Integer(), perHour: PerHour }, { description: 'When compareTo was given: the saved rule over the same events' })),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() }, { description: 'When failed' })),
});
