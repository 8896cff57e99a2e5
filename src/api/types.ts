import type { Logger } from '../log/logger.js';
import type { Registry } from 'prom-client';
import type { ApiSettings } from '../config/api.js';
import type { Role } from '../config/tokens.js';
import type { RouteDoc } from './schemas.js';
import type { QueryStore } from '../store/types.js';
import type { ValueTierBounds } from '../events/enrich.js';
import type { EventSink } from '../bus/types.js';

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
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Role a route needs when tokens are configured; routes without one are open (health, metrics, docs). */
    role?: Role;
    /** Whether the per-client rate limit applies. */
    rateLimited?: boolean;
    /** What /api/v1/openapi.json says about the route. */
    openapi?: RouteDoc;
  }
}
