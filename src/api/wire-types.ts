import type { Static } from '@sinclair/typebox';
import type { BacktestJobBody } from './backtest-schemas.js';
import type { AlertRecordBody, SilenceBody } from './history-schemas.js';
import type { SeriesResult, TrafficResult } from './live-data-schemas.js';
import type { ErrorBody, TransitionBody, TrendingResult } from './schemas.js';

/**
 * What the API sends, as TypeScript types made from the route schemas (the ones fastify
 * serialises with). The web app imports these, type-only, so its view of a response cannot
 * drift from the server's. Only schema modules may be imported here: the web app's compiler
 * reads this file too.
 */
export type Transition = Static<typeof TransitionBody>;
export type TrendingSnapshot = Static<typeof TrendingResult>['rules'][number];
export type TrendingEntry = TrendingSnapshot['entries'][number];
export type Series = Static<typeof SeriesResult>;
export type SeriesPoint = Series['points'][number];
export type TrafficMinute = Static<typeof TrafficResult>['minutes'][number];
export type BacktestJob = Static<typeof BacktestJobBody>;
export type ApiErrorBody = Static<typeof ErrorBody>;
export type FieldError = NonNullable<ApiErrorBody['issues']>[number];
/** A silence (mutes matching notifications) or an acknowledgement (mutes an alert's escalations). */
export type Silence = Static<typeof SilenceBody>;
/** The notifier's record of an alert, with who acknowledged or silenced it. */
export type AlertRecord = Static<typeof AlertRecordBody>;
