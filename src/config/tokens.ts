import { createHash } from 'node:crypto';
import { HwError } from '../errors.js';

/** Roles a bearer token can carry. `ingest` may POST events; `read` may query; `admin` may do both. */
export const ROLES = ['ingest', 'read', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Tokens are configured by their SHA-256 hash so the config never holds a usable secret. */
export interface TokenTable {
  /** sha256 hex of the token → its roles */
  readonly byHash: ReadonlyMap<string, ReadonlySet<Role>>;
}

export const EMPTY_TOKENS: TokenTable = { byHash: new Map() };

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Parses `HERDWATCH_TOKENS`: comma-separated `<sha256hex>:<role>[+<role>...]` entries.
 * The same hash may appear more than once; its roles add up.
 */
export function parseTokens(text: string | undefined, field = 'HERDWATCH_TOKENS'): TokenTable {
  const byHash = new Map<string, Set<Role>>();
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [hash, roleList, ...rest] = entry.split(':');
    const expected = '<sha256 hex>:<role>[+<role>] with roles ingest, read, admin';
    if (!hash || !/^[0-9a-fA-F]{64}$/.test(hash) || !roleList || rest.length > 0) {
      throw new HwError('HW_ERR_CONFIG', { field, expected, message: `token entry "${entry.slice(0, 80)}" is malformed` });
    }
    const roles = byHash.get(hash.toLowerCase()) ?? new Set<Role>();
    for (const role of roleList.split('+')) {
      if (!(ROLES as readonly string[]).includes(role)) {
        throw new HwError('HW_ERR_CONFIG', { field, expected, message: `unknown role "${role}"` });
      }
      roles.add(role as Role);
    }
    byHash.set(hash.toLowerCase(), roles);
  }
  return { byHash };
}

/** Roles of a presented (plain-text) token, or undefined when the token is unknown. */
export function rolesOf(table: TokenTable, token: string): ReadonlySet<Role> | undefined {
  return table.byHash.get(sha256Hex(token));
}

export function hasRole(roles: ReadonlySet<Role>, needed: Role): boolean {
  return roles.has(needed) || roles.has('admin');
}
