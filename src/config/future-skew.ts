import type { OptionSpec } from './options.js';

export const DEFAULT_MAX_FUTURE_SKEW_MS = 300_000;

/**
 * How far an event time may be ahead of the time it was received (clock skew between shops
 * and HerdWatch). One declaration for the API, which rejects later events at ingest
 * (HW_ERR_EVENT_FUTURE), and the detector, which drops them from JSON records on its topic
 * (a foreign producer's), measured from the record's Kafka timestamp: one event stamped 2099
 * must not drag a rule's watermark.
 */
export const MAX_FUTURE_SKEW_OPTION = {
  type: 'number', env: 'HERDWATCH_MAX_FUTURE_SKEW_MS', default: DEFAULT_MAX_FUTURE_SKEW_MS, min: 0,
  description: 'Milliseconds an event time may be ahead of its receive time (clock skew). api: later events are rejected (HW_ERR_EVENT_FUTURE); detector: later JSON events are dropped as malformed (reason future), measured from the record timestamp',
} as const satisfies OptionSpec;
