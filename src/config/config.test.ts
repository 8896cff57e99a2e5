import { describe, expect, it } from 'vitest';
import { API_OPTIONS, apiSettingsFrom } from './api.js';
import { formatHelp, parseCommand } from './options.js';
import { hasRole, parseTokens, rolesOf, sha256Hex, userOf } from './tokens.js';

describe('tokens', () => {
  it('parses hashed tokens with roles and recognises the plain token', () => {
    const table = parseTokens(`${sha256Hex('a')}:ingest, ${sha256Hex('b')}:read+ingest,${sha256Hex('c')}:admin`);
    expect([...rolesOf(table, 'a')!]).toEqual(['ingest']);
    expect(hasRole(rolesOf(table, 'b')!, 'read')).toBe(true);
    expect(hasRole(rolesOf(table, 'c')!, 'ingest')).toBe(true);
    expect(rolesOf(table, 'd')).toBeUndefined();
    expect(parseTokens('').byHash.size).toBe(0);
  });

  it('names the holder of a token for the audit trail, and lets edit read', () => {
    const table = parseTokens(`${sha256Hex('e')}:edit:alice@shop.example,${sha256Hex('f')}:read`);
    expect(userOf(table, 'e')).toBe('alice@shop.example');
    expect(userOf(table, 'f')).toMatch(/^token-[0-9a-f]{12}$/);
    expect(hasRole(rolesOf(table, 'e')!, 'read')).toBe(true);
    expect(hasRole(rolesOf(table, 'f')!, 'edit')).toBe(false);
  });

  it.each(['nothex:ingest', `${sha256Hex('a')}`, `${sha256Hex('a')}:root`, `${sha256Hex('a')}:ingest:alice:extra`, `${sha256Hex('a')}:ingest:not a name`])('rejects %s with HW_ERR_CONFIG', (entry) => {
    expect(() => parseTokens(entry)).toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG', field: 'HERDWATCH_TOKENS' }));
  });
});

describe('command options', () => {
  const specs = {
    port: { type: 'number', env: 'HERDWATCH_PORT', default: 8080, description: 'port' },
    name: { type: 'string', description: 'name' },
    json: { type: 'boolean', env: 'HERDWATCH_JSON', default: false, description: 'json' },
  } as const;

  it('flag beats environment beats default', () => {
    expect(parseCommand(specs, [], {}).values).toEqual({ port: 8080, name: undefined, json: false });
    expect(parseCommand(specs, [], { HERDWATCH_PORT: '9000', HERDWATCH_JSON: 'true' }).values).toMatchObject({ port: 9000, json: true });
    expect(parseCommand(specs, ['--port', '1'], { HERDWATCH_PORT: '9000' }).values.port).toBe(1);
  });

  it('unknown flags, bad numbers and stray arguments are HW_ERR_USAGE', () => {
    expect(() => parseCommand(specs, ['--prot', '1'], {})).toThrow(expect.objectContaining({ code: 'HW_ERR_USAGE' }));
    expect(() => parseCommand(specs, ['--port', 'eighty'], {})).toThrow(expect.objectContaining({ code: 'HW_ERR_USAGE', field: '--port' }));
    expect(() => parseCommand(specs, [], { HERDWATCH_PORT: 'x' })).toThrow(expect.objectContaining({ field: 'HERDWATCH_PORT' }));
    expect(() => parseCommand(specs, ['file.csv'], {})).toThrow(expect.objectContaining({ code: 'HW_ERR_USAGE' }));
    expect(parseCommand(specs, ['file.csv'], {}, { allowPositionals: true }).positionals).toEqual(['file.csv']);
  });

  it('help lists every option with its variable and default', () => {
    const text = formatHelp('herdwatch x', 'does x', specs);
    expect(text).toContain('--port <number>');
    expect(text).toContain('env HERDWATCH_PORT; default 8080');
    expect(text).toContain('--help');
  });

  it('API settings come from the same options and are range-checked', () => {
    const values = parseCommand(API_OPTIONS, ['--body-limit', '2048', '--rate-limit', '0'], {}).values;
    const s = apiSettingsFrom(values);
    expect(s.bodyLimitBytes).toBe(2048);
    expect(s.rateLimitPerSec).toBe(0);
    expect(() => apiSettingsFrom(parseCommand(API_OPTIONS, ['--max-in-flight', '0'], {}).values)).toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG' }));
  });

  describe('declared bounds', () => {
    const bounded = {
      workers: { type: 'number', env: 'HERDWATCH_WORKERS', default: 2, integer: true, min: 1, max: 64, description: 'workers' },
      mode: { type: 'string', env: 'HERDWATCH_MODE', default: 'a', choices: ['a', 'b'], description: 'mode' },
      password: { type: 'string', env: 'HERDWATCH_PASSWORD', envOnly: true, secret: true, description: 'password' },
    } as const;

    it('out-of-range numbers are HW_ERR_CONFIG naming the flag or variable and the range', () => {
      expect(() => parseCommand(bounded, ['--workers', '0'], {})).toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG', field: '--workers', expected: 'a number ≥ 1' }));
      expect(() => parseCommand(bounded, ['--workers', '1.5'], {})).toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG', expected: 'a whole number' }));
      expect(() => parseCommand(bounded, [], { HERDWATCH_WORKERS: '65' })).toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG', field: 'HERDWATCH_WORKERS' }));
    });

    it('a value outside the choices is a usage error as a flag and a config error as a variable', () => {
      expect(() => parseCommand(bounded, ['--mode', 'c'], {})).toThrow(expect.objectContaining({ code: 'HW_ERR_USAGE', expected: 'a, b' }));
      expect(() => parseCommand(bounded, [], { HERDWATCH_MODE: 'c' })).toThrow(expect.objectContaining({ code: 'HW_ERR_CONFIG', field: 'HERDWATCH_MODE' }));
      expect(parseCommand(bounded, [], { HERDWATCH_MODE: '' }).values.mode).toBe('a');
    });

    it('an environment-only option is no flag, and help names its variable without a value', () => {
      expect(() => parseCommand(bounded, ['--password', 'x'], {})).toThrow(expect.objectContaining({ code: 'HW_ERR_USAGE' }));
      expect(parseCommand(bounded, [], { HERDWATCH_PASSWORD: 'x' }).values.password).toBe('x');
      const help = formatHelp('herdwatch x', 'does x', bounded);
      expect(help).not.toContain('--password');
      expect(help).toMatch(/From the environment only:\n\s+HERDWATCH_PASSWORD\s+password\n/);
      expect(help).toContain('one of a, b');
    });
  });
});
