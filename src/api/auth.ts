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

export function installAuth(app: FastifyInstance, auth: AuthSettings, limiter: RateLimiter): void {
  const { tokens, openReads } = auth;
  const enforce = tokens.byHash.size > 0 || auth.authProxy === true;
  app.decorateRequest('caller', null as unknown as FastifyRequest['caller']);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const role = config.role;
    const token = bearer(request);
    const limit = (client: string) => {
      if (!config.rateLimited) return;
      const d = limiter.take(client);
      if (!d.allowed) throw retryable('HW_ERR_RATE_LIMITED', d.retryAfterSec, { expected: 'fewer requests per second', message: 'rate limit exceeded for this client' });
    };
    const known = enforce && token !== undefined ? rolesOf(tokens, token) : undefined;
    const proxied = auth.authProxy && !known ? proxyCaller(request, auth.proxyEditGroups ?? []) : undefined;
    request.caller = known && token !== undefined
      ? { user: userOf(tokens, token), groups: [], roles: known }
      : proxied
      // No tokens configured (dev): everyone may do everything, as "anonymous".
        ?? { user: 'anonymous', groups: [], roles: enforce ? new Set<Role>() : new Set<Role>(['admin']) };
    if (enforce && role && !(role === 'read' && openReads)) {
      const roles = known ?? proxied?.roles;
      if (!roles) {
        // Failed attempts count against the address, so guessing tokens is rate limited too.
        limit(`ip:${request.ip}`);
        throw token === undefined
          ? new HwError('HW_ERR_UNAUTHORIZED', { field: 'authorization', expected: 'an "Authorization: Bearer <token>" header', message: 'no bearer token' })
          : new HwError('HW_ERR_UNAUTHORIZED', { field: 'authorization', expected: 'a configured token', message: 'unknown bearer token' });
      }
      if (!hasRole(roles, role)) {
        throw new HwError('HW_ERR_FORBIDDEN', { field: 'authorization', expected: `a token with role ${role}`, message: `${proxied ? `user ${proxied.user}` : 'token'} has roles ${[...roles].join(', ')}` });
      }
    }
    limit(token !== undefined ? `token:${sha256Hex(token)}` : proxied ? `user:${proxied.user}` : `ip:${request.ip}`);
  });
}
