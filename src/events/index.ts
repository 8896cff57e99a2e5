export { parseEvents } from './parse.js';
export { readNdjson } from './ndjson.js';
export { readTransactionsCsv, parseExportTime, parseUtcOffset, TRANSACTION_COLUMNS, type TransactionsCsvOptions } from './transactions.js';
export { enrich, valueOf, valueTier, checkTiers, DEFAULT_VALUE_TIERS, type ValueTierBounds, type EnrichOptions } from './enrich.js';
export { fromSegment, isSegmentCall, SEGMENT_EVENTS } from './segment.js';
export { contentId, eventTime, MIN_EVENT_TIME, MAX_EVENT_TIME } from './normalize.js';
export { checkEvent } from './validate.js';
export type { RejectedEvent, ParseResult } from './types.js';
export * from './schema.js';
