import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HwError, isHwError, type ErrorCode } from '../errors.js';
import type { ApiMetrics } from '../metrics/api.js';
import { trackMethods } from './allowed-methods.js';
import { PATTERN_WORDS } from './schemas.js';

/** An HwError that tells the client when to come back (429, 503). */
export function retryable(code: ErrorCode, retryAfterSec: number, detail: ConstructorParameters<typeof HwError>[1] = {}): HwError {
  return new HwError(code, { ...detail, retryAfterSec: Math.max(1, Math.ceil(retryAfterSec)) });
}

interface ValidationIssue {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Says in words what an ajv keyword wanted. */
function expectedFrom(issue: ValidationIssue, allowed: readonly string[]): string | undefined {
  const p = issue.params ?? {};
  switch (issue.keyword) {
    case 'maximum': return `a number ≤ ${String(p.limit)}`;
    case 'minimum': return `a number ≥ ${String(p.limit)}`;
    case 'type': return `a value of type ${String(p.type)}`;
    case 'pattern': return PATTERN_WORDS[String(p.pattern)] ?? `text matching ${String(p.pattern)}`;
    case 'maxLength': return `at most ${String(p.limit)} characters`;
    case 'minLength': return `at least ${String(p.limit)} characters`;
    case 'additionalProperties': return 'only the documented parameters (see /api/v1/openapi.json)';
    case 'required': return 'the parameter to be present';
    case 'const':
    case 'anyOf':
    case 'enum': return allowed.length > 0 ? `one of ${allowed.join(', ')}` : 'one of the documented values';
    default: return issue.message;
  }
}

const CONTEXT_CODE: Readonly<Record<string, ErrorCode>> = { querystring: 'HW_ERR_QUERY_INVALID', params: 'HW_ERR_QUERY_INVALID', headers: 'HW_ERR_BAD_REQUEST' };
const CONTEXT_WORD: Readonly<Record<string, string>> = { querystring: 'query parameter', params: 'path parameter', headers: 'header', body: 'body field' };

/** A request that failed the route's schema: the first problem, with its field and what was wanted. */
function fromValidation(e: { validation: ValidationIssue[]; validationContext?: string }, bodyCode: ErrorCode): HwError {
  const issue = e.validation[0]!;
  const name = (issue.params?.missingProperty ?? issue.params?.additionalProperty) as string | undefined;
  const path = (issue.instancePath ?? '').replace(/^\//, '');
  const field = [path, name].filter(Boolean).join('/') || undefined;
  const context = e.validationContext ?? 'body';
  const code = CONTEXT_CODE[context] ?? bodyCode;
  // A union of literals fails once per literal; gather the allowed values for one message.
  const allowed = e.validation.filter((v) => v.instancePath === issue.instancePath && v.keyword === 'const').map((v) => String(v.params?.allowedValue));
  const expected = expectedFrom(issue, allowed);
  const what = CONTEXT_WORD[context] ?? 'field';
  return new HwError(code, { ...(field ? { field } : {}), ...(expected ? { expected } : {}), message: field ? `${what} ${field} is invalid` : `${what === 'body field' ? 'body' : what} is invalid` });
}

/** fastify's own request errors (body parsing), by their FST_ERR_* code. */
function fromFastifyCode(code: string | undefined, bodyLimit: number): HwError | undefined {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HwError('HW_ERR_BODY_TOO_LARGE', { expected: `a body of at most ${bodyLimit} bytes` });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HwError('HW_ERR_MEDIA_TYPE', { field: 'content-type', expected: 'a content type the route takes (see /api/v1/openapi.json): application/json; events also NDJSON, text/plain, text/csv' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HwError('HW_ERR_BAD_REQUEST', { field: 'content-length', expected: 'the length of the body in bytes', message: 'Content-Length does not match the body' });
    // Ingest reads its body as text itself, so these come from the JSON routes (rules, silences, backtests).
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HwError('HW_ERR_BODY_INVALID', { expected: 'a JSON object as the route documents', message: code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the body is empty' : 'the body is not valid JSON' });
    default:
      return undefined;
  }
}

/** Other client errors keep what their status says; only a plain 400 is a generic bad request. */
const STATUS_CODE: Readonly<Record<number, ErrorCode>> = {
  401: 'HW_ERR_UNAUTHORIZED', 403: 'HW_ERR_FORBIDDEN', 404: 'HW_ERR_NOT_FOUND', 405: 'HW_ERR_METHOD_NOT_ALLOWED', 408: 'HW_ERR_REQUEST_TIMEOUT',
  409: 'HW_ERR_CONFLICT', 413: 'HW_ERR_BODY_TOO_LARGE', 415: 'HW_ERR_MEDIA_TYPE', 429: 'HW_ERR_RATE_LIMITED', 431: 'HW_ERR_HEADERS_TOO_LARGE',
};

/**
 * Turns fastify's own errors (validation, body limit, media type, bad JSON) into HwErrors.
 * `bodyCode` is what a body failing the route's schema is called there.
 */
export function toHwError(err: unknown, bodyLimit: number, bodyCode: ErrorCode = 'HW_ERR_BODY_INVALID'): HwError {
  if (isHwError(err)) return err as HwError;
  const e = err as Partial<FastifyError> & { validation?: ValidationIssue[]; validationContext?: string };
  if (e.validation && e.validation.length > 0) return fromValidation({ validation: e.validation, ...(e.validationContext ? { validationContext: e.validationContext } : {}) }, bodyCode);
  const known = fromFastifyCode(e.code, bodyLimit);
  if (known) return known;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new HwError(STATUS_CODE[e.statusCode] ?? 'HW_ERR_BAD_REQUEST', { message: e.message ?? 'bad request' });
  }
  return new HwError('HW_ERR_INTERNAL', { cause: err });
}

/** The coded JSON answer; a 503 always says when to come back (`defaultRetryAfterSec` when the error does not). */
export function sendError(reply: FastifyReply, err: HwError, defaultRetryAfterSec?: number): FastifyReply {
  const retry = err.retryAfterSec ?? (err.status === 503 ? defaultRetryAfterSec : undefined);
  if (retry !== undefined) reply.header('retry-after', String(retry));
  const body: Record<string, unknown> = { code: err.code, message: err.message };
  if (err.field !== undefined) body.field = err.field;
  if (err.expected !== undefined) body.expected = err.expected;
  // Every problem of an invalid rule, so the web form can show each beside its field.
  const issues = (err as { issues?: readonly { field: string; message: string }[] }).issues;
  if (Array.isArray(issues)) body.issues = issues.map((i) => ({ field: i.field, message: i.message }));
  return reply.code(err.status).type('application/json; charset=utf-8').send(body);
}

export function installErrorHandling(app: FastifyInstance, opts: { bodyLimit: number; retryAfterSec: number }, metrics: ApiMetrics): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const hw = toHwError(err, opts.bodyLimit, request.routeOptions.config.bodyErrorCode);
    if (hw.status >= 500 && hw.code !== 'HW_ERR_BACKPRESSURE') request.log.error({ err }, 'request failed');
    metrics.refusedRequests.inc({ code: hw.code });
    return sendError(reply, hw, opts.retryAfterSec);
  });
  const methodsOf = trackMethods(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = methodsOf(path);
    if (allowed.length > 0) {
      metrics.refusedRequests.inc({ code: 'HW_ERR_METHOD_NOT_ALLOWED' });
      reply.header('allow', allowed.join(', '));
      return sendError(reply, new HwError('HW_ERR_METHOD_NOT_ALLOWED', { field: 'method', expected: `one of ${allowed.join(', ')}`, message: `${request.method} is not allowed on ${path}` }));
    }
    metrics.refusedRequests.inc({ code: 'HW_ERR_NOT_FOUND' });
    return sendError(reply, new HwError('HW_ERR_NOT_FOUND', { field: 'url', expected: 'a route listed in /api/v1/openapi.json', message: `${request.method} ${path} is not a route` }));
  });
}
