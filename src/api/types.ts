import type { Logger } from '../log/logger.js';
import type { Registry } from 'prom-client';
import type { ApiSettings } from '../config/api.js';
import type { Role } from '../config/tokens.js';
import type { ErrorCode } from '../errors.js';
import type { TSchema } from '@sinclair/typebox';
import type { RouteOptions } from 'fastify';
import type { NotifierStore } from '../store/notify/types.js';
import type { QueryStore } from '../store/types.js';
import type { ValueTierBounds } from '../events/enrich.js';
import type { EventSink } from '../bus/types.js';
import type { BacktestSettings, BacktestSource } from './routes/backtest.js';
import type { LiveDataDeps } from './routes/live-data.js';
import type { RuleRepository } from './rules/types.js';

/** A loaded rule as the API shows it. */
export interface RuleSummary {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly detector: string;
  readonly key: string;
  readonly severity: string;
  readonly paused: boolean;
  readonly description?: string;
  readonly file?: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly reason?: string;
}

/** Everything the API talks to, passed in; defaults suit tests and `dev`. */
export interface ApiDeps {
  readonly sink: EventSink;
  readonly store: QueryStore;
  /** The notifier's store (alert history, deliveries, KPIs, silences); its routes are served when given. */
  readonly notifications?: NotifierStore;
  readonly settings?: Partial<ApiSettings>;
  /** Metrics are registered here and served at /metrics; a fresh registry when absent. */
  readonly registry?: Registry;
  /** Wall clock, ms: receive time of events, rate limiting. */
  readonly clock?: () => number;
  readonly rules?: () => readonly RuleSummary[];
  readonly ready?: () => Readiness;
  /** Bounds of the value tiers used by enrichment. */
  readonly tiers?: ValueTierBounds;
  /** The process logger; the API logs requests through `logger.child({ component: 'api' })`. None: no logging. */
  readonly logger?: Logger;
  /** Rules CRUD (/api/v1/rules/...); without it GET /api/v1/rules lists `rules()` read-only. */
  readonly rulesRepo?: RuleRepository;
  /** Recent-event history for the drill-down series and site traffic (dev, --bus memory). */
  readonly liveData?: LiveDataDeps;
  /** Where backtest previews read events from. */
  readonly backtest?: { readonly source: BacktestSource; readonly settings?: Partial<BacktestSettings> };
  /** The built web app (dist/web); found next to the code when absent; null: do not serve it. */
  readonly webRoot?: string | null;
  /** Sees every route as it is registered (the test that the OpenAPI document lists them all). */
  readonly onRoute?: (route: RouteOptions) => void;
  /** Tests: answer 500 when a response schema drops or changes what a handler returned (src/api/response-check.ts). */
  readonly failOnSchemaDrift?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking, set by the auth hook before any handler runs. */
    caller: { readonly user: string; readonly groups: readonly string[]; readonly roles: ReadonlySet<Role> };
  }
  interface FastifyContextConfig {
    /** Role a route needs when tokens are configured; routes without one are open (health, metrics, docs). */
    role?: Role;
    /** Whether the per-client rate limit applies. */
    rateLimited?: boolean;
    /**
     * A request body the handler validates itself, shown in the OpenAPI document only
     * (ingest: each event on its own, so one bad event does not refuse the batch).
     */
    documentedBody?: { readonly schema: TSchema; readonly contentTypes: readonly string[]; readonly description: string };
    /** The code of a body that fails the route's body schema (default HW_ERR_BODY_INVALID). */
    bodyErrorCode?: ErrorCode;
  }
}
