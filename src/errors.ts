/**
 * One registry of every error a user can see. Callers match on `err.code`, never on
 * `instanceof`; each code has a stable name, an HTTP status and a message template.
 * docs/errors.md documents every code and a test fails when one is missing there.
 */
export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
}

export const ERRORS = {
  HW_ERR_EVENT_INVALID: { status: 400, message: 'event is invalid' },
  HW_ERR_EVENT_FIELD: { status: 400, message: 'event field is invalid' },
  HW_ERR_EVENT_FUTURE: { status: 400, message: 'event time is too far ahead of its receive time' },
  HW_ERR_EVENT_FORMAT: { status: 400, message: 'body is not valid JSON, NDJSON or a Segment batch' },
  HW_ERR_SEGMENT_EVENT: { status: 400, message: 'Segment call is not a mapped e-commerce event' },
  HW_ERR_CSV_ROW: { status: 400, message: 'CSV row is invalid' },
  HW_ERR_CSV_HEADER: { status: 400, message: 'CSV header is missing a required column' },
  HW_ERR_CSV_MAPPING: { status: 400, message: 'CSV column mapping is invalid' },
  HW_ERR_RULE_INVALID: { status: 422, message: 'HerdRule is invalid' },
  HW_ERR_RULE_FILE: { status: 400, message: 'rule file cannot be read or parsed' },
  HW_ERR_DURATION: { status: 422, message: 'duration is invalid' },
  HW_ERR_CONFIG: { status: 500, message: 'configuration is invalid' },
  HW_ERR_UNAUTHORIZED: { status: 401, message: 'missing or unknown bearer token' },
  HW_ERR_FORBIDDEN: { status: 403, message: 'token lacks the required role' },
  HW_ERR_BODY_TOO_LARGE: { status: 413, message: 'request body is too large' },
  HW_ERR_BATCH_TOO_LARGE: { status: 413, message: 'too many events in one request' },
  HW_ERR_RATE_LIMITED: { status: 429, message: 'rate limit exceeded' },
  HW_ERR_BACKPRESSURE: { status: 503, message: 'event bus is unavailable or slow; retry later' },
  HW_ERR_NOT_FOUND: { status: 404, message: 'not found' },
  HW_ERR_CONFLICT: { status: 409, message: 'the resource exists already or was changed meanwhile' },
  HW_ERR_BACKTEST_LIMIT: { status: 429, message: 'too many backtests are running; try again shortly' },
  HW_ERR_KAFKA: { status: 503, message: 'Kafka operation failed' },
  HW_ERR_MESSAGE_MALFORMED: { status: 400, message: 'message on the topic is malformed' },
  HW_ERR_QUERY_INVALID: { status: 400, message: 'query parameter is invalid' },
  HW_ERR_MEDIA_TYPE: { status: 415, message: 'unsupported content type' },
  HW_ERR_BODY_INVALID: { status: 400, message: 'request body does not match the route\'s schema' },
  HW_ERR_BAD_REQUEST: { status: 400, message: 'request is malformed' },
  HW_ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed on this route' },
  HW_ERR_REQUEST_TIMEOUT: { status: 408, message: 'the request did not arrive in time' },
  HW_ERR_HEADERS_TOO_LARGE: { status: 431, message: 'request headers are too large' },
  HW_ERR_INTERNAL: { status: 500, message: 'internal error' },
  HW_ERR_USAGE: { status: 400, message: 'command-line usage is invalid' },
  HW_ERR_INPUT_FILE: { status: 400, message: 'input file cannot be read' },
  HW_ERR_KUBE_API: { status: 502, message: 'the Kubernetes API server refused or failed a request' },
  HW_ERR_LEASE_CONFLICT: { status: 409, message: 'the leader Lease was written by someone else first' },
  HW_ERR_NOT_LEADER: { status: 503, message: 'this operator replica does not hold the leader lease' },
  HW_ERR_STORE: { status: 503, message: 'the MongoDB store is unavailable or failed' },
  HW_ERR_SECRET: { status: 500, message: 'a channel secret cannot be read' },
  HW_ERR_CHANNEL_CONFIG: { status: 500, message: 'a notification channel is misconfigured' },
  HW_ERR_DESTINATION_BLOCKED: { status: 500, message: 'webhook destination is a private, loopback or link-local address' },
  HW_ERR_SILENCE_INVALID: { status: 400, message: 'silence is invalid' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorDetail {
  /** JSON-pointer-like path of the offending field, e.g. `/detector/window`. */
  readonly field?: string;
  /** What was expected there, in words a user understands. */
  readonly expected?: string;
  /** Where the input came from: a file name, a line, an index in a batch. */
  readonly source?: string;
  /** Seconds the caller should wait before retrying (429, 503): the API's Retry-After. */
  readonly retryAfterSec?: number;
  /** HTTP status of an upstream answer the error stands for (the Kubernetes API server's). */
  readonly upstreamStatus?: number;
}

export class HwError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly expected: string | undefined;
  readonly source: string | undefined;
  readonly retryAfterSec: number | undefined;
  readonly upstreamStatus: number | undefined;

  constructor(code: ErrorCode, detail: ErrorDetail & { message?: string; cause?: unknown } = {}) {
    const base = detail.message ?? ERRORS[code].message;
    const parts = [detail.source, detail.field ? `field ${detail.field}` : undefined].filter(Boolean);
    const where = parts.length ? `${parts.join(', ')}: ` : '';
    const want = detail.expected ? ` (expected ${detail.expected})` : '';
    super(`${code}: ${where}${base}${want}`, detail.cause === undefined ? undefined : { cause: detail.cause });
    this.name = 'HwError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.field = detail.field;
    this.expected = detail.expected;
    this.source = detail.source;
    this.retryAfterSec = detail.retryAfterSec;
    this.upstreamStatus = detail.upstreamStatus;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, field: this.field, expected: this.expected, source: this.source };
  }
}

export function isHwError(err: unknown): err is HwError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    && ((err as { code: string }).code in ERRORS);
}

/** True when `err` is a HerdWatch error with this code, from any module, worker or copy of this file. */
export function hasCode(err: unknown, code: ErrorCode): err is HwError {
  return isHwError(err) && err.code === code;
}
