/**
 * The Helm chart: lint and schema checks (scripts/k8s/validate-chart.sh: helm lint --strict,
 * helm template per values file, kubeconform with local schemas), then the rendered chart
 * applied to the real API server in a namespace that enforces the restricted Pod Security
 * Standard, and the operator run with the chart's own ServiceAccount token to show its RBAC is
 * enough — and no more than that.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { RunningOperator } from '../../src/operator/run.js';
import { KUBE_VERSION, createNamespace, k8sBin, kubeconfigPath, kubectl, kubectlOk, loadKubeConfig, run } from './cluster.js';
import { ROOT, TestApi, condition, ensureCrd, eventually, herdRule, startTestOperator } from './operator-harness.js';

const CHART = join(ROOT, 'charts', 'herdwatch');
const CI_VALUES = readdirSync(join(CHART, 'ci')).filter((f) => f.endsWith('.yaml')).map((f) => join(CHART, 'ci', f));
type Doc = { kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };

async function template(release: string, namespace: string, args: string[] = []): Promise<{ code: number; docs: Doc[]; stdout: string; stderr: string }> {
  const r = await run(k8sBin('helm'), ['template', release, CHART, '--namespace', namespace, '--kube-version', KUBE_VERSION, ...args]);
  const docs = r.code === 0 ? parseAllDocuments(r.stdout).map((d) => d.toJS() as Doc).filter(Boolean) : [];
  return { ...r, docs };
}

type PodSpec = { securityContext: Record<string, unknown>; containers: { name: string; securityContext: Record<string, unknown>; resources: { requests?: Record<string, string> } }[] };
const podSpecs = (docs: Doc[]) => docs.filter((d) => d.kind === 'Deployment').map((d) => ({ name: d.metadata.name, spec: (d as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec }));

/** A kubeconfig that authenticates as a ServiceAccount, with a token from the TokenRequest API. */
async function serviceAccountConfig(ns: string, sa: string): Promise<KubeConfig> {
  const token = (await kubectlOk(['-n', ns, 'create', 'token', sa, '--duration=1h'])).trim();
  const admin = loadKubeConfig().getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server: admin.server, caData: admin.caData, skipTLSVerify: false }],
    users: [{ name: sa, token }],
    contexts: [{ name: 'sa', cluster: 'test', user: sa }],
    currentContext: 'sa',
  });
  return kc;
}

const canI = async (sa: string, verb: string, resource: string, ns?: string) => {
  const [res, sub] = resource.split('/');
  const args = ['auth', 'can-i', verb, res!, `--as=${sa}`, ...(sub ? [`--subresource=${sub}`] : []), ...(ns ? ['-n', ns] : ['--all-namespaces'])];
  return (await kubectl(args)).stdout.trim() === 'yes';
};

describe('the Helm chart, offline', () => {
  it('passes helm lint --strict, helm template and kubeconform for the defaults and every ci/ values file', async () => {
    const r = await run(join(ROOT, 'scripts', 'k8s', 'validate-chart.sh'), [], { timeoutMs: 600_000 });
    expect(r.stderr + r.stdout).toContain('validate-chart: ok');
    expect(r.code).toBe(0);
  });

  it('rejects values the schema does not know, naming them', async () => {
    const typo = await template('hw', 'herdwatch', ['--set', 'operator.replicaz=2']);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toMatch(/replicaz/);
    const badEnum = await template('hw', 'herdwatch', ['--set', 'kafka.sasl.mechanism=kerberos']);
    expect(badEnum.code).not.toBe(0);
    const noSecret = await template('hw', 'herdwatch', ['--set', 'kafka.sasl.mechanism=plain']);
    expect(noSecret.stderr).toContain('kafka.sasl.existingSecret is required');
  });

  it('renders every pod restricted, with resource requests, for every values file', async () => {
    for (const values of ['', ...CI_VALUES]) {
      const t = await template('hw', 'herdwatch', values ? ['-f', values] : []);
      expect(t.code, t.stderr).toBe(0);
      const pods = podSpecs(t.docs);
      expect(pods.length).toBeGreaterThan(0);
      for (const { name, spec } of pods) {
        expect(spec.securityContext, name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        for (const c of spec.containers) {
          expect(c.securityContext, `${name}/${c.name}`).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
          expect(Object.keys(c.resources.requests ?? {}), `${name}/${c.name}`).toEqual(expect.arrayContaining(['cpu', 'memory']));
        }
      }
      const bindings = t.docs.filter((d) => d.kind === 'ClusterRoleBinding' || d.kind === 'RoleBinding');
      for (const b of bindings) expect((b as unknown as { roleRef: { name: string } }).roleRef.name).not.toBe('cluster-admin');
    }
  });

  it('grants cluster-wide rights only in cluster mode; a namespaced install has no operator ClusterRole', async () => {
    const cluster = await template('hw', 'herdwatch');
    const namespaced = await template('hw', 'herdwatch', ['-f', join(CHART, 'ci', 'namespaced-values.yaml')]);
    const operatorClusterRole = (docs: Doc[]) => docs.find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'hw-herdwatch-operator');
    expect(operatorClusterRole(cluster.docs)).toBeDefined();
    expect(operatorClusterRole(namespaced.docs)).toBeUndefined();
    expect(namespaced.docs.filter((d) => d.kind === 'Role' && d.metadata.name === 'hw-herdwatch-operator').map((d) => d.metadata.namespace).sort()).toEqual(['payments', 'shop']);
  });
});

describe('the Helm chart on the API server', () => {
  const release = `hw${Date.now().toString(36)}`;
  let ns: { name: string; remove: () => Promise<void> };
  let ruleNs: { name: string; remove: () => Promise<void> };
  let rendered: Doc[];
  let op: RunningOperator | undefined;

  beforeAll(async () => {
    await ensureCrd();
    ns = await createNamespace('hw-chart');
    ruleNs = await createNamespace('hw-chart-rules');
    // The API server itself refuses any pod that is not restricted in these namespaces, the
    // chart's and the detectors' alike.
    for (const n of [ns.name, ruleNs.name]) {
      await kubectlOk(['label', 'namespace', n, 'pod-security.kubernetes.io/enforce=restricted', 'pod-security.kubernetes.io/warn=restricted']);
    }
    const t = await template(release, ns.name, ['--include-crds']);
    if (t.code !== 0) throw new Error(t.stderr);
    rendered = t.docs;
  });

  afterAll(async () => {
    await op?.stop();
    const clusterScoped = rendered?.filter((d) => ['ClusterRole', 'ClusterRoleBinding', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].includes(d.kind)) ?? [];
    for (const d of clusterScoped) await kubectl(['delete', d.kind.toLowerCase(), d.metadata.name, '--ignore-not-found']);
    await ns?.remove();
    await ruleNs?.remove();
  });

  it('applies cleanly, without Pod Security warnings, and its Deployments become available', async () => {
    // Control: the namespace really enforces the restricted standard.
    const root = await kubectl(['-n', ns.name, 'run', 'not-restricted', '--image=busybox', '--restart=Never', '--dry-run=server']);
    expect(root.code).not.toBe(0);
    expect(root.stderr).toMatch(/violates PodSecurity "restricted/);
    const yaml = rendered.map((d) => JSON.stringify(d)).join('\n---\n');
    const r = await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=helm-test', '-f', '-'], yaml);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/violate PodSecurity/i);
    for (const d of rendered.filter((x) => x.kind === 'Deployment')) {
      await kubectlOk(['-n', ns.name, 'rollout', 'status', `deployment/${d.metadata.name}`, '--timeout=90s']);
    }
  });

  it('gives the operator ServiceAccount what it needs and nothing more', async () => {
    const sa = `system:serviceaccount:${ns.name}:${release}-herdwatch-operator`;
    expect(await canI(sa, 'watch', 'herdrules.herdwatch.io')).toBe(true);
    expect(await canI(sa, 'patch', 'herdrules.herdwatch.io/status', ruleNs.name)).toBe(true);
    // patch on the rule itself: the herdwatch.io/trends finalizer (tombstones for a deleted rule's trends).
    expect(await canI(sa, 'patch', 'herdrules.herdwatch.io', ruleNs.name)).toBe(true);
    expect(await canI(sa, 'patch', 'deployments.apps', ruleNs.name)).toBe(true);
    expect(await canI(sa, 'update', 'leases.coordination.k8s.io', ns.name)).toBe(true);
    expect(await canI(sa, 'update', 'leases.coordination.k8s.io', ruleNs.name)).toBe(false);
    expect(await canI(sa, 'get', 'secrets', ruleNs.name)).toBe(false);
    expect(await canI(sa, 'delete', 'deployments.apps', ruleNs.name)).toBe(false);
    expect(await canI(sa, 'update', 'herdrules.herdwatch.io', ruleNs.name)).toBe(false);
    expect(await canI(sa, 'create', 'clusterrolebindings.rbac.authorization.k8s.io')).toBe(false);
  });

  it('reconciles rules into restricted detector pods when the operator runs with the chart ServiceAccount token', async () => {
    const kc = await serviceAccountConfig(ns.name, `${release}-herdwatch-operator`);
    op = await startTestOperator({ kc, namespaces: [], leaseNamespace: ns.name, leaseName: `${release}-herdwatch-operator`, identity: 'chart-sa' });
    await eventually('the chart-SA operator to lead', async () => op!.isLeader(), 30_000);
    const api = new TestApi();
    await api.createRule(ruleNs.name, herdRule('chart-rule', { parallelism: 1 }));
    const rule = await eventually('chart-rule Ready', async () => {
      const r = await api.rule(ruleNs.name, 'chart-rule');
      return condition(r, 'Ready')?.status === 'True' ? r : undefined;
    }, 90_000);
    expect(rule.status).toMatchObject({ observedGeneration: 1, readyReplicas: 1 });
  });
});

describe('helm install and uninstall', () => {
  const release = `hwi${Date.now().toString(36)}`;
  let ns: { name: string; remove: () => Promise<void> };
  const helm = (args: string[]) => run(k8sBin('helm'), ['--kubeconfig', kubeconfigPath(), ...args], { timeoutMs: 300_000 });

  beforeAll(async () => {
    await ensureCrd();
    ns = await createNamespace('hw-helm');
  });

  afterAll(async () => {
    await helm(['uninstall', release, '--namespace', ns.name, '--ignore-not-found']);
    await ns?.remove();
  });

  it('installs and waits for every component, prints its notes, and uninstalls keeping the CRD and the rules', async () => {
    const installed = await helm(['install', release, CHART, '--namespace', ns.name, '--wait', '--timeout', '180s', '--set', 'notifier.enabled=true']);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toContain('kubectl get herdrules -A');
    const api = new TestApi();
    await api.createRule(ns.name, herdRule('survives-uninstall', { parallelism: 1 }));

    const removed = await helm(['uninstall', release, '--namespace', ns.name, '--wait']);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await kubectl(['get', 'crd', 'herdrules.herdwatch.io'])).code).toBe(0);
    expect(await api.rule(ns.name, 'survives-uninstall')).toBeDefined();
    expect((await kubectl(['get', 'clusterrole', `${release}-herdwatch-operator`])).code).not.toBe(0);
  });
});

