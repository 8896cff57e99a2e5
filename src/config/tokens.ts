import { createHash } from 'node:crypto';
import { HwError } from '../errors.js';

/**
 * Roles a bearer token can carry. `ingest` may POST events; `read` may query; `edit` may
 * read and change rules; `admin` may do everything.
 */
export const ROLES = ['ingest', 'read', 'edit', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Tokens are configured by their SHA-256 hash so the config never holds a usable secret. */
export interface TokenTable {
  /** sha256 hex of the token → its roles */
  readonly byHash: ReadonlyMap<string, ReadonlySet<Role>>;
  /** sha256 hex → the user name given to the token (the audit trail's "who"; Kubernetes impersonates it). */
  readonly names?: ReadonlyMap<string, string>;
}

export const EMPTY_TOKENS: TokenTable = { byHash: new Map() };

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Parses `HERDWATCH_TOKENS`: comma-separated `<sha256hex>:<role>[+<role>...][:<user>]` entries.
 * The same hash may appear more than once; its roles add up. `<user>` names who holds the
 * token (letters, digits, `.@_-`).
 */
export function parseTokens(text: string | undefined, field = 'HERDWATCH_TOKENS'): TokenTable {
  const byHash = new Map<string, Set<Role>>();
  const names = new Map<string, string>();
  for (const [i, raw] of (text ?? '').split(',').entries()) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [hash, roleList, user, ...rest] = entry.split(':');
    const expected = '<sha256 hex>:<role>[+<role>][:<user>] with roles ingest, read, edit, admin';
    // Never quote the entry: a plain-text token put here by mistake would end up in logs.
    if (!hash || !/^[0-9a-fA-F]{64}$/.test(hash)) {
      throw new HwError('HW_ERR_CONFIG', { field, expected, message: `token entry ${i + 1} does not start with a SHA-256 hash (64 hex digits); configure the hash of a token (printf %s "$TOKEN" | sha256sum), never the token itself` });
    }
    if (!roleList || rest.length > 0 || (user !== undefined && !/^[A-Za-z0-9.@_-]{1,128}$/.test(user))) {
      throw new HwError('HW_ERR_CONFIG', { field, expected, message: `token entry ${i + 1} is malformed` });
    }
    const roles = byHash.get(hash.toLowerCase()) ?? new Set<Role>();
    for (const role of roleList.split('+')) {
      if (!(ROLES as readonly string[]).includes(role)) {
        throw new HwError('HW_ERR_CONFIG', { field, expected, message: `unknown role "${role}"` });
      }
      roles.add(role as Role);
    }
    byHash.set(hash.toLowerCase(), roles);
    if (user !== undefined) names.set(hash.toLowerCase(), user);
  }
  return { byHash, names };
}

/** Roles of a presented (plain-text) token, or undefined when the token is unknown. */
export function rolesOf(table: TokenTable, token: string): ReadonlySet<Role> | undefined {
  return table.byHash.get(sha256Hex(token));
}

export function hasRole(roles: ReadonlySet<Role>, needed: Role): boolean {
  // An editor has to see what it edits, so edit includes read.
  return roles.has(needed) || roles.has('admin') || (needed === 'read' && roles.has('edit'));
}

/** Who holds a presented token: its configured name, else a stable pseudonym from its hash. */
export function userOf(table: TokenTable, token: string): string {
  const hash = sha256Hex(token);
  return table.names?.get(hash) ?? `token-${hash.slice(0, 12)}`;
}
