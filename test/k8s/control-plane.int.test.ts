/**
 * The control plane the other k8s tests rely on does what a cluster does: the scheduler binds
 * pods to the kwok nodes and they become Ready, Deployments roll out, the garbage collector
 * deletes owned objects, RBAC refuses a ServiceAccount that was granted nothing, and the
 * ServiceAccount token controller runs. When one of these breaks, this file says which.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, kubectl, kubectlOk } from './cluster.js';

let ns: { name: string; remove: () => Promise<void> };

beforeAll(async () => {
  ns = await createNamespace('plane');
});

afterAll(async () => {
  await ns?.remove();
});

const deployment = (name: string, replicas: number, cpu = '10m'): string => JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'main', image: 'example.invalid/never-pulled:1', resources: { requests: { cpu } } }] },
    },
  },
});

describe('the test control plane', () => {
  it('has two Ready kwok nodes', async () => {
    const out = await kubectlOk(['get', 'nodes', '-l', 'type=kwok', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}']);
    expect(out.trim().split(' ').sort()).toEqual(['kwok-node-0=True', 'kwok-node-1=True']);
  });

  it('rolls out a Deployment: pods are scheduled onto kwok nodes and become Ready', async () => {
    await kubectlOk(['apply', '-n', ns.name, '-f', '-'], deployment('web', 2));
    await kubectlOk(['rollout', 'status', '-n', ns.name, 'deployment/web', '--timeout=90s']);
    const nodes = await kubectlOk(['get', 'pods', '-n', ns.name, '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.nodeName}']);
    for (const n of nodes.trim().split(' ')) expect(n).toMatch(/^kwok-node-[01]$/);
  });

  it('leaves a pod that fits no node Pending, so its Deployment is not available', async () => {
    await kubectlOk(['apply', '-n', ns.name, '-f', '-'], deployment('too-big', 1, '5k'));
    await kubectlOk(['wait', '-n', ns.name, 'pod', '-l', 'app=too-big', '--for=condition=PodScheduled=false', '--timeout=60s']);
    const available = await kubectlOk(['get', 'deployment', 'too-big', '-n', ns.name, '-o', 'jsonpath={.status.conditions[?(@.type=="Available")].status}']);
    expect(available).toBe('False');
  });

  it('garbage-collects objects whose owner is deleted', async () => {
    const uid = (await kubectlOk(['get', 'deployment', 'web', '-n', ns.name, '-o', 'jsonpath={.metadata.uid}'])).trim();
    await kubectlOk(['apply', '-n', ns.name, '-f', '-'], JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'owned', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid }] },
      data: { a: 'b' },
    }));
    await kubectlOk(['delete', 'deployment', 'web', '-n', ns.name, '--wait=true']);
    await kubectlOk(['wait', '-n', ns.name, 'configmap/owned', '--for=delete', '--timeout=60s']);
    await kubectlOk(['wait', '-n', ns.name, 'pod', '-l', 'app=web', '--for=delete', '--timeout=60s']);
  });

  it('enforces RBAC for ServiceAccounts', async () => {
    await kubectlOk(['create', 'serviceaccount', 'nobody', '-n', ns.name]);
    const as = `--as=system:serviceaccount:${ns.name}:nobody`;
    expect((await kubectl(['auth', 'can-i', 'list', 'pods', '-n', ns.name, as])).stdout.trim()).toBe('no');
    await kubectlOk(['create', 'role', 'pod-reader', '-n', ns.name, '--verb=list', '--resource=pods']);
    await kubectlOk(['create', 'rolebinding', 'nobody-reads', '-n', ns.name, '--role=pod-reader', `--serviceaccount=${ns.name}:nobody`]);
    expect((await kubectl(['auth', 'can-i', 'list', 'pods', '-n', ns.name, as])).stdout.trim()).toBe('yes');
    expect((await kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'default', as])).stdout.trim()).toBe('no');
  });

  it('issues ServiceAccount tokens the API server accepts', async () => {
    const token = (await kubectlOk(['create', 'token', 'nobody', '-n', ns.name])).trim();
    const review = await kubectlOk(['create', '-o', 'json', '-f', '-'], JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }));
    const who = JSON.parse(review) as { status: { authenticated?: boolean; user: { username: string } } };
    expect(who.status.authenticated).toBe(true);
    expect(who.status.user.username).toBe(`system:serviceaccount:${ns.name}:nobody`);
  });
});
