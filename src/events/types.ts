import type { ErrorCode } from '../errors.js';
import type { HerdEvent } from './schema.js';

/** One input item that could not become an event; the rest of the batch still counts. */
export interface RejectedEvent {
  /** Position of the item in its input: array index, NDJSON line index (0-based) or CSV data row index. */
  readonly index: number;
  readonly code: ErrorCode;
  /** JSON pointer of the offending field (events) or the column name (CSV). */
  readonly field?: string;
  readonly message: string;
  /** 1-based line of the input, for line-oriented formats (CSV). */
  readonly line?: number;
}

export interface ParseResult {
  readonly events: HerdEvent[];
  readonly rejected: RejectedEvent[];
}
