import { HwError } from '../errors.js';
import type { OptionSpecs, ResolvedOptions } from './options.js';
import { parseTokens, type TokenTable } from './tokens.js';

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
  maxFutureSkewMs: 300_000,
};

export const API_OPTIONS = {
  host: { type: 'string', env: 'HERDWATCH_HOST', default: '127.0.0.1', description: 'Address the API listens on' },
  port: { type: 'number', env: 'HERDWATCH_PORT', default: 8080, description: 'Port the API listens on (0 picks a free one)' },
  tokens: { type: 'string', env: 'HERDWATCH_TOKENS', description: 'Bearer tokens as <sha256hex>:<role>[+<role>],... ; none configured means open (dev only)' },
  'body-limit': { type: 'number', env: 'HERDWATCH_BODY_LIMIT', default: DEFAULT_API_SETTINGS.bodyLimitBytes, description: 'Largest request body in bytes (413 above)' },
  'rate-limit': { type: 'number', env: 'HERDWATCH_RATE_LIMIT', default: DEFAULT_API_SETTINGS.rateLimitPerSec, description: 'Requests per second per token; 0 disables (429 above)' },
  'rate-burst': { type: 'number', env: 'HERDWATCH_RATE_BURST', default: DEFAULT_API_SETTINGS.rateBurst, description: 'Burst size of the per-token rate limit' },
  'send-timeout': { type: 'number', env: 'HERDWATCH_SEND_TIMEOUT_MS', default: DEFAULT_API_SETTINGS.sendTimeoutMs, description: 'Milliseconds to wait for the bus before answering 503' },
  'open-reads': { type: 'boolean', env: 'HERDWATCH_OPEN_READS', default: false, description: 'With tokens configured, serve trending/alerts/stream/rules without a token' },
  'cors-origins': { type: 'string', env: 'HERDWATCH_CORS_ORIGINS', description: 'Comma-separated origins (https://host:port) allowed to call the API from a browser; none: CORS off' },
  'auth-proxy': { type: 'boolean', env: 'HERDWATCH_AUTH_PROXY', default: false, description: 'Trust X-Forwarded-User/-Email/-Groups from an SSO proxy in front (only when nothing else can reach the API)' },
  'proxy-edit-groups': { type: 'string', env: 'HERDWATCH_PROXY_EDIT_GROUPS', description: 'Comma-separated proxy groups whose users get the edit role (others: read)' },
  'max-in-flight': { type: 'number', env: 'HERDWATCH_MAX_IN_FLIGHT', default: DEFAULT_API_SETTINGS.maxInFlight, description: 'Ingest requests waiting on the bus at once before 503' },
  'max-future-skew': { type: 'number', env: 'HERDWATCH_MAX_FUTURE_SKEW_MS', default: DEFAULT_API_SETTINGS.maxFutureSkewMs, description: 'Milliseconds an event time may be ahead of its receive time (clock skew); later ones are rejected with HW_ERR_EVENT_FUTURE' },
} as const satisfies OptionSpecs;

function positive(value: number, field: string, allowZero = false): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new HwError('HW_ERR_CONFIG', { field, expected: allowZero ? 'a number ≥ 0' : 'a number > 0', message: `${value} is out of range` });
  }
  return value;
}

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
    bodyLimitBytes: Math.floor(positive(values['body-limit'], '--body-limit')),
    rateLimitPerSec: positive(values['rate-limit'], '--rate-limit', true),
    rateBurst: positive(values['rate-burst'], '--rate-burst'),
    sendTimeoutMs: positive(values['send-timeout'], '--send-timeout'),
    maxInFlight: Math.floor(positive(values['max-in-flight'], '--max-in-flight')),
    openReads: values['open-reads'],
    corsOrigins: list(values['cors-origins']).map((o) => origin(o)),
    authProxy: values['auth-proxy'],
    proxyEditGroups: list(values['proxy-edit-groups']),
    maxFutureSkewMs: positive(values['max-future-skew'], '--max-future-skew', true),
  };
}
