import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HwError } from '../errors.js';
import { hasRole, rolesOf, sha256Hex, userOf, type Role, type TokenTable } from '../config/tokens.js';
import { retryable } from './errors.js';
import type { RateLimiter } from './rate-limit.js';
import './types.js';

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/**
 * Auth, then rate limit, before the body is read (onRequest), so a refused client costs
 * no parsing. With no tokens configured the API is open (dev mode) and clients are told
 * apart by address for the rate limit.
 */
export interface AuthSettings {
  readonly tokens: TokenTable;
  readonly openReads: boolean;
  /** Trust an SSO proxy's X-Forwarded-User / -Email / -Groups (see docs/web.md). */
  readonly authProxy?: boolean;
  readonly proxyEditGroups?: readonly string[];
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one && one.trim() !== '' ? one.trim() : undefined;
};

/** The proxy's user (with groups and the roles they earn), when the request came through it. */
function proxyCaller(request: FastifyRequest, editGroups: readonly string[]): FastifyRequest['caller'] | undefined {
  const user = header(request, 'x-forwarded-user') ?? header(request, 'x-forwarded-email');
  if (!user) return undefined;
  const groups = (header(request, 'x-forwarded-groups') ?? '').split(',').map((g) => g.trim()).filter(Boolean);
  const roles = new Set<Role>(['read']);
  if (groups.some((g) => editGroups.includes(g))) roles.add('edit');
  return { user, groups, roles };
}

/** Who is asking, and the rate-limit bucket that is theirs. */
interface Identified {
  readonly caller: FastifyRequest['caller'];
  /** Roles proven by a known token or the SSO proxy; undefined for an anonymous caller. */
  readonly proven?: ReadonlySet<Role>;
  /** Only a token the API knows names the client: a made-up token per request must not be a fresh bucket. */
  readonly bucket: string;
}

function identify(request: FastifyRequest, auth: AuthSettings, enforce: boolean): Identified {
  const token = bearer(request);
  const known = enforce && token !== undefined ? rolesOf(auth.tokens, token) : undefined;
  if (known && token !== undefined) return { caller: { user: userOf(auth.tokens, token), groups: [], roles: known }, proven: known, bucket: `token:${sha256Hex(token)}` };
  const proxied = auth.authProxy ? proxyCaller(request, auth.proxyEditGroups ?? []) : undefined;
  if (proxied) return { caller: proxied, proven: proxied.roles, bucket: `user:${proxied.user}` };
  // No tokens configured (dev): everyone may do everything, as "anonymous".
  return { caller: { user: 'anonymous', groups: [], roles: enforce ? new Set<Role>() : new Set<Role>(['admin']) }, bucket: `ip:${request.ip}` };
}

function refusal(request: FastifyRequest, who: Identified, role: Role): HwError | undefined {
  if (!who.proven) {
    return bearer(request) === undefined
      ? new HwError('HW_ERR_UNAUTHORIZED', { field: 'authorization', expected: 'an "Authorization: Bearer <token>" header', message: 'no bearer token' })
      : new HwError('HW_ERR_UNAUTHORIZED', { field: 'authorization', expected: 'a configured token', message: 'unknown bearer token' });
  }
  if (hasRole(who.proven, role)) return undefined;
  const by = who.bucket.startsWith('user:') ? `user ${who.caller.user}` : 'token';
  return new HwError('HW_ERR_FORBIDDEN', { field: 'authorization', expected: `a token with role ${role}`, message: `${by} has roles ${[...who.proven].join(', ')}` });
}

export function installAuth(app: FastifyInstance, auth: AuthSettings, limiter: RateLimiter): void {
  const enforce = auth.tokens.byHash.size > 0 || auth.authProxy === true;
  app.decorateRequest('caller', null as unknown as FastifyRequest['caller']);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const limit = (client: string) => {
      if (!config.rateLimited) return;
      const d = limiter.take(client);
      if (!d.allowed) throw retryable('HW_ERR_RATE_LIMITED', d.retryAfterSec, { expected: 'fewer requests per second', message: 'rate limit exceeded for this client' });
    };
    const who = identify(request, auth, enforce);
    request.caller = who.caller;
    const role = config.role;
    const refused = enforce && role && !(role === 'read' && auth.openReads) ? refusal(request, who, role) : undefined;
    if (refused) {
      // Failed attempts count against the address, so guessing tokens is rate limited too.
      if (refused.code === 'HW_ERR_UNAUTHORIZED') limit(`ip:${request.ip}`);
      throw refused;
    }
    limit(who.bucket);
  });
}
