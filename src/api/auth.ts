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
export function installAuth(app: FastifyInstance, tokens: TokenTable, limiter: RateLimiter, openReads: boolean): void {
  const enforce = tokens.byHash.size > 0;
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
    request.caller = known && token !== undefined
      ? { user: userOf(tokens, token), groups: [], roles: known }
      // No tokens configured (dev): everyone may do everything, as "anonymous".
      : { user: 'anonymous', groups: [], roles: enforce ? new Set<Role>() : new Set<Role>(['admin']) };
    if (enforce && role && !(role === 'read' && openReads)) {
      const roles = known;
      if (!roles) {
        // Failed attempts count against the address, so guessing tokens is rate limited too.
        limit(`ip:${request.ip}`);
        throw token === undefined
          ? new HwError('HW_ERR_UNAUTHORIZED', { field: 'authorization', expected: 'an "Authorization: Bearer <token>" header', message: 'no bearer token' })
          : new HwError('HW_ERR_UNAUTHORIZED', { field: 'authorization', expected: 'a configured token', message: 'unknown bearer token' });
      }
      if (!hasRole(roles, role)) {
        throw new HwError('HW_ERR_FORBIDDEN', { field: 'authorization', expected: `a token with role ${role}`, message: `token has roles ${[...roles].join(', ')}` });
      }
    }
    limit(token === undefined ? `ip:${request.ip}` : `token:${sha256Hex(token)}`);
  });
}
