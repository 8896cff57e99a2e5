import type { HerdEvent } from '../events/schema.js';
import type { Transition, TrendingSnapshot } from '../engine/types.js';

/**
 * The bus between ingest, detectors and readers. Kafka in production; an in-memory
 * implementation with the same semantics (keyed partitions, offsets) for `herdwatch dev`
 * and unit tests. Everything that moves events depends on this interface only.
 */
export interface EventSink {
  /** Resolves once the events are durably accepted (acked by the broker); rejects otherwise. */
  send(events: readonly HerdEvent[]): Promise<void>;
}

export interface AlertSink {
  sendAlerts(transitions: readonly Transition[]): Promise<void>;
  sendTrends(snapshot: TrendingSnapshot): Promise<void>;
  /** The rule was deleted: its trending snapshot goes (readers that keep one implement this). */
  retireTrends?(rule: string): Promise<void>;
}

export interface Topics {
  readonly events: string;
  readonly alerts: string;
  readonly trends: string;
}

export const DEFAULT_TOPICS: Topics = {
  events: 'herdwatch.events',
  alerts: 'herdwatch.alerts',
  trends: 'herdwatch.trends',
};
