import type { AlertState, Transition, TrendingSnapshot } from '../engine/types.js';
import type { AlertSink } from '../bus/types.js';

/**
 * What the query side of the API reads: recent alert transitions, the latest trending
 * snapshot per rule, and a live feed of both. The in-process runner writes it directly;
 * the Kafka query side fills it from the alerts and trends topics. Being an AlertSink,
 * either can simply "send" to it. Writes are idempotent by transition id and state.
 */
export type StoreEvent =
  | { readonly kind: 'alert'; readonly transition: Transition }
  | { readonly kind: 'trending'; readonly snapshot: TrendingSnapshot };

export interface AlertQuery {
  readonly rule?: string;
  readonly state?: AlertState;
  readonly limit?: number;
}

export interface QueryStore extends AlertSink {
  /** Newest first. */
  alerts(query?: AlertQuery): Transition[];
  /** Latest snapshot per rule (only the matching rule when given). */
  trending(rule?: string): TrendingSnapshot[];
  subscribe(listener: (event: StoreEvent) => void): () => void;
}

/** `rule` may be `namespace/name` or just `name`. */
export function ruleMatches(rule: string, query: string | undefined): boolean {
  if (query === undefined || query === '') return true;
  return rule === query || rule.slice(rule.indexOf('/') + 1) === query;
}
