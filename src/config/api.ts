import { HwError } from '../errors.js';
import type { OptionSpecs, ResolvedOptions } from './options.js';
import { parseTokens, type TokenTable } from './tokens.js';
import { DEFAULT_MAX_FUTURE_SKEW_MS, MAX_FUTURE_SKEW_OPTION } from './future-skew.js';

/** Limits and auth of the HTTP API; every field has a flag and a HERDWATCH_* variable. */
export interface ApiSettings {
  readonly tokens: TokenTable;
  /** Largest accepted request body, bytes. */
  readonly bodyLimitBytes: number;
  /** Sustained requests per second per token (per client address when auth is off); 0 disables. */
  readonly rateLimitPerSec: number;
  /** Requests a client may make in a burst above the sustained rate. */
  readonly rateBurst: number;
  /** How long an ingest request waits for the bus to acknowledge before answering 503. */
  readonly sendTimeoutMs: number;
  /** Ingest requests allowed to wait on the bus at once; more get 503. */
  readonly maxInFlight: number;
  /** Seconds clients are told to wait (Retry-After) on 503. */
  readonly retryAfterSec: number;
  /** Seconds between SSE heartbeats. */
  readonly heartbeatSec: number;
  /** With tokens configured, let reads (trending, alerts, stream, rules) through without a token. */
  readonly openReads: boolean;
  /** Origins allowed to call the API from a browser (CORS); empty: no CORS headers, same origin only. */
  readonly corsOrigins: readonly string[];
  /**
   * Trust X-Forwarded-User / X-Forwarded-Email / X-Forwarded-Groups from an SSO proxy
   * (oauth2-proxy) in front: such users get `read`, plus `edit` in one of `proxyEditGroups`.
   */
  readonly authProxy: boolean;
  readonly proxyEditGroups: readonly string[];
  /** Events whose time is further than this ahead of their receive time are rejected (HW_ERR_EVENT_FUTURE), ms. */
  readonly maxFutureSkewMs: number;
  /** Time a client has to send a whole request (headers and body), ms; a stalled one gets 408 and is closed. */
  readonly requestTimeoutMs: number;
}

export const DEFAULT_API_SETTINGS: ApiSettings = {
  tokens: { byHash: new Map() },
  bodyLimitBytes: 1_048_576,
  rateLimitPerSec: 50,
  rateBurst: 100,
  sendTimeoutMs: 5_000,
  maxInFlight: 64,
  retryAfterSec: 1,
  heartbeatSec: 15,
  openReads: false,
  corsOrigins: [],
  authProxy: false,
  proxyEditGroups: [],
  maxFutureSkewMs: DEFAULT_MAX_FUTURE_SKEW_MS,
  requestTimeoutMs: 30_000,
};

export const API_OPTIONS = {
  host: { type: 'string', env: 'HERDWATCH_HOST', default: '127.0.0.1', description: 'Address the API listens on' },
  port: { type: 'number', env: 'HERDWATCH_PORT', default: 8080, integer: true, min: 0, max: 65535, description: 'Port the API listens on (0 picks a free one)' },
  tokens: { type: 'string', env: 'HERDWATCH_TOKENS', secret: true, description: 'Bearer tokens as <sha256hex>:<role>[+<role>],... ; none configured means open (dev only)' },
  'body-limit': { type: 'number', env: 'HERDWATCH_BODY_LIMIT', default: DEFAULT_API_SETTINGS.bodyLimitBytes, integer: true, min: 1, description: 'Largest request body in bytes (413 above)' },
  'rate-limit': { type: 'number', env: 'HERDWATCH_RATE_LIMIT', default: DEFAULT_API_SETTINGS.rateLimitPerSec, min: 0, description: 'Requests per second per token; 0 disables (429 above)' },
  'rate-burst': { type: 'number', env: 'HERDWATCH_RATE_BURST', default: DEFAULT_API_SETTINGS.rateBurst, min: 1, description: 'Burst size of the per-token rate limit' },
  'send-timeout': { type: 'number', env: 'HERDWATCH_SEND_TIMEOUT_MS', default: DEFAULT_API_SETTINGS.sendTimeoutMs, min: 1, description: 'Milliseconds to wait for the bus before answering 503' },
  'request-timeout': { type: 'number', env: 'HERDWATCH_REQUEST_TIMEOUT_MS', default: DEFAULT_API_SETTINGS.requestTimeoutMs, integer: true, min: 1_000, max: 3_600_000, description: 'Milliseconds a client has to send a whole request, body included (408 and the connection closed after)' },
  'open-reads': { type: 'boolean', env: 'HERDWATCH_OPEN_READS', default: false, description: 'With tokens configured, serve trending/alerts/stream/rules without a token' },
  'cors-origins': { type: 'string', env: 'HERDWATCH_CORS_ORIGINS', description: 'Comma-separated origins (https://host:port) allowed to call the API from a browser; none: CORS off' },
  'auth-proxy': { type: 'boolean', env: 'HERDWATCH_AUTH_PROXY', default: false, description: 'Trust X-Forwarded-User/-Email/-Groups from an SSO proxy in front (only when nothing else can reach the API)' },
  'proxy-edit-groups': { type: 'string', env: 'HERDWATCH_PROXY_EDIT_GROUPS', description: 'Comma-separated proxy groups whose users get the edit role (others: read)' },
  'max-in-flight': { type: 'number', env: 'HERDWATCH_MAX_IN_FLIGHT', default: DEFAULT_API_SETTINGS.maxInFlight, integer: true, min: 1, description: 'Ingest requests waiting on the bus at once before 503' },
  'max-future-skew': MAX_FUTURE_SKEW_OPTION,
} as const satisfies OptionSpecs;

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);

function origin(o: string): string {
  let u: URL | undefined;
  try {
    u = new URL(o);
  } catch {
    u = undefined;
  }
  if (o === '*' || !u || u.origin !== o.replace(/\/$/, '')) {
    throw new HwError('HW_ERR_CONFIG', { field: '--cors-origins', expected: 'origins like https://shop.example:8443 (scheme, host, optional port; no path, no *)', message: `"${o}" is not an origin` });
  }
  return u.origin;
}

export function apiSettingsFrom(values: ResolvedOptions<typeof API_OPTIONS>): ApiSettings {
  return {
    ...DEFAULT_API_SETTINGS,
    tokens: parseTokens(values.tokens),
    // Ranges are checked by the option specs (parseCommand), with coded errors naming the flag.
    bodyLimitBytes: values['body-limit'],
    rateLimitPerSec: values['rate-limit'],
    rateBurst: values['rate-burst'],
    sendTimeoutMs: values['send-timeout'],
    requestTimeoutMs: values['request-timeout'],
    maxInFlight: values['max-in-flight'],
    openReads: values['open-reads'],
    corsOrigins: list(values['cors-origins']).map((o) => origin(o)),
    authProxy: values['auth-proxy'],
    proxyEditGroups: list(values['proxy-edit-groups']),
    maxFutureSkewMs: values['max-future-skew'],
  };
}
