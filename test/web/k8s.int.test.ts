import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/config/tokens.js';
import type { RunningOperator } from '../../src/operator/run.js';
import { createNamespace, kubeconfigPath, kubectlOk } from '../k8s/cluster.js';
import { ensureCrd, eventually, startTestOperator, TestApi } from '../k8s/operator-harness.js';
import { launchBrowser, newPage, shot, startServer, type DevServer } from './harness.js';

// Two people with HerdWatch's edit role; Kubernetes RBAC lets only alice change rules.
const ALICE = 'alice-token-for-the-web-test';
const BOB = 'bob-token-for-the-web-test';

let ns: { name: string; remove: () => Promise<void> };
let api: DevServer;
let operator: RunningOperator;
let browser: Browser;
let page: Page;
const kube = () => new TestApi();

async function signIn(p: Page, url: string, token: string): Promise<void> {
  await p.goto(`${url}/rules`);
  await p.getByLabel('API token').fill(token);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'Rules', exact: true }).waitFor();
}

beforeAll(async () => {
  await ensureCrd();
  ns = await createNamespace('hw-web');
  await kubectlOk(['-n', ns.name, 'create', 'role', 'rule-editor', '--verb=get,list,watch,create,update,patch,delete', '--resource=herdrules.herdwatch.io']);
  await kubectlOk(['-n', ns.name, 'create', 'rolebinding', 'alice-edits', '--role=rule-editor', '--user=alice']);
  await kubectlOk(['-n', ns.name, 'create', 'role', 'rule-viewer', '--verb=get,list,watch', '--resource=herdrules.herdwatch.io']);
  await kubectlOk(['-n', ns.name, 'create', 'rolebinding', 'bob-views', '--role=rule-viewer', '--user=bob']);
  operator = await startTestOperator({ namespaces: [ns.name], leaseNamespace: ns.name, leaseName: 'hw-web-operator', identity: 'web-test' });
  await eventually('the operator to lead', async () => operator.isLeader());
  api = await startServer('api', [
    '--bus', 'memory', '--rules-backend', 'kubernetes', '--rules-namespace', ns.name, '--log-level', 'silent',
    '--tokens', `${sha256Hex(ALICE)}:edit:alice,${sha256Hex(BOB)}:edit:bob`,
  ], 10, { KUBECONFIG: kubeconfigPath() });
  browser = await launchBrowser();
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await operator?.stop();
  await ns?.remove();
});

describe('rules in the web app against the real control plane', () => {
  it('a rule created in the app is a HerdRule, written as the signed-in user, and the operator renders its Deployment', async () => {
    await signIn(page, api.url, ALICE);
    await shot(page, 'k8s-rules-empty');
    await page.getByRole('link', { name: 'New rule' }).click();
    await page.getByLabel('Namespace').waitFor();
    expect(await page.getByLabel('Namespace').inputValue()).toBe(ns.name);
    await page.getByLabel('Name', { exact: true }).fill('web-surge');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.waitForURL(/\/rules\/[^/]+\/web-surge$/);
    const rule = await eventually('the HerdRule', () => kube().rule(ns.name, 'web-surge'));
    expect(rule.spec).toMatchObject({ key: 'productId', detector: { type: 'surge' } });
    expect((rule.metadata as { annotations?: Record<string, string> }).annotations?.['herdwatch.io/last-changed-by']).toBe('alice');
    const deployment = await eventually('the detector Deployment', () => kube().deployment(ns.name, 'web-surge'));
    expect(deployment.spec.template.spec.containers[0]!.args.join(' ')).toContain('web-surge');
    await page.goto(`${api.url}/rules`);
    await page.getByRole('link', { name: `${ns.name}/web-surge` }).waitFor();
    await shot(page, 'k8s-rules');
  });

  it('shows the API server\'s dry-run rejection (a CEL rule) beside the field', async () => {
    await page.goto(`${api.url}/rules/new`);
    await page.getByLabel('Name', { exact: true }).fill('web-velocity');
    // A velocity detector without maxEvents: the JSON Schema allows it, the CRD's CEL rule does not.
    await page.locator('#root_detector_type').selectOption('velocity');
    await page.getByRole('button', { name: 'Create rule' }).click();
    const field = page.locator('.form-group', { has: page.locator('#root_detector_maxEvents') }).last();
    await field.locator('.error-detail').getByText('a velocity detector needs maxEvents', { exact: false }).waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain('shown beside the fields');
    // Nothing was created: the API server only dry-ran it.
    expect(await kube().rule(ns.name, 'web-velocity')).toBeUndefined();
    await field.scrollIntoViewIfNeeded();
    await shot(page, 'k8s-invalid-field');
  });

  it('tells a user whose RBAC forbids edits that Kubernetes refused, and changes nothing', async () => {
    const bob = await newPage(browser);
    await signIn(bob, api.url, BOB);
    await bob.getByRole('link', { name: `${ns.name}/web-surge` }).waitFor();
    await bob.getByRole('button', { name: 'Pause web-surge' }).click();
    const refusal = bob.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/Not allowed: .*Kubernetes refused: .*User "bob" cannot update/);
    expect((await kube().rule(ns.name, 'web-surge'))?.spec).not.toMatchObject({ paused: true });
    await shot(bob, 'k8s-forbidden');
  });
});
