import { afterEach, describe, expect, it } from 'vitest';
import { parseTokens, sha256Hex } from '../config/tokens.js';
import { loadRuleFiles } from '../rules/index.js';
import { MemoryRuleRepository } from './rules/memory.js';
import { testApi, type TestApi } from './test-helpers.js';

const EDIT = 'edit-secret';
const READ = 'read-secret';
const tokens = parseTokens(`${sha256Hex(EDIT)}:edit:alice,${sha256Hex(READ)}:read:bob`);
const auth = (t: string) => ({ authorization: `Bearer ${t}` });
const spec = { source: { eventTypes: ['view'] }, key: 'productId', detector: { type: 'surge', window: '5m', bucket: '10s' }, severity: 'warning' };

let t: TestApi | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

async function withRepo() {
  const changes: string[][] = [];
  const repo = new MemoryRuleRepository({ rules: await loadRuleFiles('k8s/examples'), onChange: (rs) => changes.push(rs.map((r) => r.compiled.name)) });
  t = await testApi({ rulesRepo: repo, settings: { tokens } });
  return { repo, changes };
}

describe('rules API (in memory, as in herdwatch dev)', () => {
  it('lists the rules with their specs; readers may read, only editors may write', async () => {
    await withRepo();
    const list = await t!.app.inject({ url: '/api/v1/rules', headers: auth(READ) });
    expect(list.statusCode).toBe(200);
    expect(list.json().rules.map((r: { name: string }) => r.name)).toContain('sneaker-surge');
    expect(list.json().rules[0].spec.detector.type).toBeDefined();
    const denied = await t!.app.inject({ method: 'POST', url: '/api/v1/rules', headers: auth(READ), payload: { metadata: { name: 'x' }, spec } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('HW_ERR_FORBIDDEN');
  });

  it('a dry run validates without changing anything; a save is audited with who and what and reaches the detectors', async () => {
    const { changes } = await withRepo();
    const dry = await t!.app.inject({ method: 'POST', url: '/api/v1/rules?dryRun=true', headers: auth(EDIT), payload: { metadata: { name: 'new-one' }, spec } });
    expect(dry.statusCode).toBe(200);
    expect(changes).toHaveLength(0);
    const made = await t!.app.inject({ method: 'POST', url: '/api/v1/rules', headers: auth(EDIT), payload: { metadata: { name: 'new-one' }, spec } });
    expect(made.statusCode).toBe(201);
    expect(changes.at(-1)).toContain('new-one');
    const rv = made.json().resourceVersion as string;
    const upd = await t!.app.inject({ method: 'PUT', url: '/api/v1/rules/default/new-one', headers: auth(EDIT), payload: { metadata: { name: 'new-one', resourceVersion: rv }, spec: { ...spec, paused: true } } });
    expect(upd.statusCode).toBe(200);
    const stale = await t!.app.inject({ method: 'PUT', url: '/api/v1/rules/default/new-one', headers: auth(EDIT), payload: { metadata: { name: 'new-one', resourceVersion: rv }, spec } });
    expect(stale.json().code).toBe('HW_ERR_CONFLICT');
    const audit = (await t!.app.inject({ url: '/api/v1/rules/audit', headers: auth(READ) })).json().entries;
    expect(audit.map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`)).toEqual(['alice pause', 'alice create']);
    expect(audit[0].summary).toContain('paused false → true');
    expect((await t!.app.inject({ method: 'DELETE', url: '/api/v1/rules/default/new-one', headers: auth(EDIT) })).statusCode).toBe(204);
    expect((await t!.app.inject({ url: '/api/v1/rules/default/new-one', headers: auth(READ) })).statusCode).toBe(404);
  });

  it('reports every problem of an invalid rule with its field, so the form can show each beside it', async () => {
    await withRepo();
    const bad = await t!.app.inject({
      method: 'POST', url: '/api/v1/rules', headers: auth(EDIT),
      payload: { metadata: { name: 'bad' }, spec: { ...spec, detector: { type: 'velocity', window: '5 minutes' } } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('HW_ERR_RULE_INVALID');
    const fields = bad.json().issues.map((i: { field: string }) => i.field);
    expect(fields).toContain('/spec/detector/window');
  });
});

describe('who is asking', () => {
  it('/api/v1/me names the token holder and roles; an SSO proxy\'s user gets read, edit by group', async () => {
    t = await testApi({ settings: { tokens, authProxy: true, proxyEditGroups: ['merch'] } });
    expect((await t.app.inject({ url: '/api/v1/me', headers: auth(EDIT) })).json()).toMatchObject({ user: 'alice', roles: ['edit'], tokensRequired: true });
    const viaProxy = await t.app.inject({ url: '/api/v1/me', headers: { 'x-forwarded-user': 'carol', 'x-forwarded-groups': 'staff,merch' } });
    expect(viaProxy.json()).toMatchObject({ user: 'carol', authenticated: true });
    expect(viaProxy.json().roles.sort()).toEqual(['edit', 'read']);
    expect((await t.app.inject({ url: '/api/v1/trending', headers: { 'x-forwarded-user': 'dave' } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/trending' })).statusCode).toBe(401);
  });

  it('sends CORS headers only to configured origins', async () => {
    t = await testApi({ settings: { corsOrigins: ['https://shop.example'] } });
    const pre = await t.app.inject({ method: 'OPTIONS', url: '/api/v1/trending', headers: { origin: 'https://shop.example', 'access-control-request-method': 'GET' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://shop.example');
    const other = await t.app.inject({ url: '/api/v1/trending', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
