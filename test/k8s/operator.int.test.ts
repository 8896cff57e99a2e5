/**
 * The operator against a real kube-apiserver, kube-controller-manager (garbage collection,
 * Deployment rollouts), kube-scheduler and kwok (pods become Ready without containers).
 * What a user sees: rules turn into ConfigMaps and detector Deployments owned by the rule,
 * edits follow, deletes clean up, status tells the truth, and restarts or a second replica
 * never duplicate anything.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Informer, libraryWatch, type KubeObject, type WatchFn } from '../../src/operator/informer.js';
import { RESOURCES } from '../../src/operator/kube.js';
import type { RunningOperator } from '../../src/operator/run.js';
import { createNamespace, kubeconfigPath, kubectlOk, loadKubeConfig } from './cluster.js';
import { ROOT, TestApi, condition, ensureCrd, eventually, herdRule, startTestOperator, type RuleObject } from './operator-harness.js';

let api: TestApi;
let ns: { name: string; remove: () => Promise<void> };
let quotaNs: { name: string; remove: () => Promise<void> };
let op: RunningOperator | undefined;
const LEASE = `herdwatch-operator-${Date.now().toString(36)}`;

const start = (identity: string) => startTestOperator({ namespaces: [ns.name, quotaNs.name], leaseNamespace: ns.name, leaseName: LEASE, identity });

const ready = (name: string, generation?: number, n = ns.name) => eventually(`${name} Ready`, async () => {
  const r = await api.rule(n, name);
  const c = condition(r, 'Ready');
  return c?.status === 'True' && (generation === undefined || r?.status?.observedGeneration === generation) ? r : undefined;
});

const leaseHolder = async (lease: string) =>
  (await kubectlOk(['-n', ns.name, 'get', 'lease', lease, '-o', 'jsonpath={.spec.holderIdentity}']).catch(() => '')).trim();

/** `herdwatch operator` as its own process group (tsx runs node as a child), so a test can kill it whole. */
async function spawnCliOperator(lease: string, identity: string, watchNamespace: string) {
  const dir = await mkdtemp(join(tmpdir(), 'hw-op-'));
  const config = join(dir, 'config.yaml');
  await writeFile(config, 'image: herdwatch:test\npartitions: 2\n');
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'cmd', 'herdwatch.ts'), 'operator', '--config', config, '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, KUBECONFIG: kubeconfigPath(), POD_NAME: identity, POD_NAMESPACE: ns.name, HERDWATCH_LEASE_NAME: lease, HERDWATCH_WATCH_NAMESPACE: watchNamespace },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

beforeAll(async () => {
  await ensureCrd();
  api = new TestApi();
  ns = await createNamespace('hw-op');
  quotaNs = await createNamespace('hw-op-quota');
  // No pod may be created here: a rule in this namespace can never become available.
  await kubectlOk(['-n', quotaNs.name, 'create', 'quota', 'no-pods', '--hard=pods=0']);
  op = await start('operator-a');
  await eventually('operator A to lead', async () => op!.isLeader());
});

afterAll(async () => {
  await op?.stop();
  await ns?.remove();
  await quotaNs?.remove();
});

describe('herdwatch operator on a real control plane', () => {
  it('turns a new rule into a ConfigMap and a detector Deployment owned by the rule, then reports Ready', async () => {
    const created = await api.createRule(ns.name, herdRule('sneaker-surge', { parallelism: 2 }));
    const rule = await ready('sneaker-surge', 1);
    const d = (await api.deployment(ns.name, 'sneaker-surge'))!;
    const cm = (await api.configMap(ns.name, 'sneaker-surge'))!;
    for (const owned of [d.metadata, cm.metadata]) {
      expect(owned.ownerReferences).toEqual([{ apiVersion: 'herdwatch.io/v1alpha1', kind: 'HerdRule', name: 'sneaker-surge', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers[0]!.args.slice(0, 3)).toEqual(['detector', '--rule', `${ns.name}/sneaker-surge`]);
    expect(d.metadata.managedFields?.some((m) => m.manager === 'herdwatch-operator' && m.operation === 'Apply')).toBe(true);
    const doc = parse(cm.data['rule.yaml']!) as { metadata: { uid: string }; spec: { source: { topic: string } } };
    expect(doc.metadata.uid).toBe(created.metadata.uid);
    expect(doc.spec.source.topic).toBe('herdwatch.events');
    expect(rule.status).toMatchObject({ observedGeneration: 1, replicas: 2, readyReplicas: 2 });
    expect(condition(rule, 'Ready')).toMatchObject({ reason: 'DetectorsAvailable', message: '2/2 detectors ready' });
    expect(condition(rule, 'Degraded')).toMatchObject({ status: 'False' });
    const events = await eventually('a Ready event', async () => {
      const ev = await api.events(ns.name, 'sneaker-surge');
      return ev.some((e) => e.reason === 'DetectorsAvailable') ? ev : undefined;
    });
    expect(events.find((e) => e.reason === 'DetectorsAvailable')!.type).toBe('Normal');

    // Settled: nothing changes, so nothing is written (no status ping-pong, no apply churn).
    const settled = (await api.rule(ns.name, 'sneaker-surge'))!.metadata.resourceVersion;
    const deploymentVersion = (await api.deployment(ns.name, 'sneaker-surge'))!.metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await api.rule(ns.name, 'sneaker-surge'))!.metadata.resourceVersion).toBe(settled);
    expect((await api.deployment(ns.name, 'sneaker-surge'))!.metadata.resourceVersion).toBe(deploymentVersion);

    // A metadata-only edit makes the operator reconcile; re-applying the same children is a no-op.
    const ops = await op!.metrics.operationCount();
    await api.patchRule(ns.name, 'sneaker-surge', { metadata: { labels: { team: 'merchandising' } } });
    await eventually('a reconcile of the relabelled rule', async () => (await op!.metrics.operationCount()) > ops);
    expect((await api.deployment(ns.name, 'sneaker-surge'))!.metadata.resourceVersion).toBe(deploymentVersion);
  });

  it('follows edits: replicas, the rule file, observedGeneration; scaling never rolls the pods', async () => {
    const before = (await api.deployment(ns.name, 'sneaker-surge'))!;
    const hash = (d: typeof before) => d.spec.template.metadata.annotations['herdwatch.io/restart-hash'];
    await api.patchRule(ns.name, 'sneaker-surge', { spec: { parallelism: 3 } });
    await ready('sneaker-surge', 2);
    const d = (await api.deployment(ns.name, 'sneaker-surge'))!;
    expect(d.spec.replicas).toBe(3);
    expect(hash(d)).toBe(hash(before));
    expect((await api.rule(ns.name, 'sneaker-surge'))!.status).toMatchObject({ replicas: 3, readyReplicas: 3 });

    await api.patchRule(ns.name, 'sneaker-surge', { spec: { severity: 'critical' } });
    await ready('sneaker-surge', 3);
    expect((await api.configMap(ns.name, 'sneaker-surge'))!.data['rule.yaml']).toContain('severity: critical');
    expect(hash((await api.deployment(ns.name, 'sneaker-surge'))!)).not.toBe(hash(before));
  });

  it('reconciles every example rule in k8s/examples into Ready detectors', async () => {
    const dir = join(ROOT, 'k8s', 'examples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    const names: string[] = [];
    for (const f of files) {
      const example = parse(readFileSync(join(dir, f), 'utf8')) as { metadata: { name: string } };
      const name = `example-${example.metadata.name}`;
      names.push(name);
      await api.createRule(ns.name, { ...example, metadata: { name } });
    }
    for (const name of names) await ready(name, 1);
    for (const name of names) await api.deleteRule(ns.name, name);
    // Later tests count this namespace's children; let the garbage collector finish first.
    await eventually('example children to be collected', async () => (await api.list(ns.name, 'deployments')).every((d) => !d.metadata.name.startsWith('example-')), 90_000);
  });

  it('never runs more detectors than the topic has partitions, and none while paused', async () => {
    await api.createRule(ns.name, herdRule('wide', { parallelism: 10 }));
    await ready('wide', 1);
    expect((await api.deployment(ns.name, 'wide'))!.spec.replicas).toBe(4);

    await api.patchRule(ns.name, 'wide', { spec: { paused: true } });
    const paused = await eventually('wide paused', async () => {
      const r = await api.rule(ns.name, 'wide');
      return condition(r, 'Ready')?.reason === 'Paused' && r?.status?.replicas === 0 ? r : undefined;
    });
    expect((await api.deployment(ns.name, 'wide'))!.spec.replicas).toBe(0);
    expect(condition(paused, 'Ready')).toMatchObject({ status: 'False', message: 'rule is paused; detectors are scaled to zero' });
  });

  it('marks a rule Degraded, with the reason, when its detectors cannot become available', async () => {
    await api.createRule(quotaNs.name, herdRule('starved', { parallelism: 1 }));
    const rule = await eventually('starved Degraded', async () => {
      const r = await api.rule(quotaNs.name, 'starved');
      return condition(r, 'Degraded')?.status === 'True' ? r : undefined;
    }, 90_000);
    expect(condition(rule, 'Degraded')!.reason).toBe('DeploymentReplicaFailure');
    expect(condition(rule, 'Degraded')!.message).toContain('quota');
    expect(condition(rule, 'Ready')).toMatchObject({ status: 'False', reason: 'DeploymentUnavailable' });
    // The event is recorded just after the status write, so it may land a moment later.
    const warning = await eventually('starved Warning event', async () => {
      const events = await api.events(quotaNs.name, 'starved');
      return events.find((e) => e.type === 'Warning' && e.reason === 'DeploymentReplicaFailure');
    }, 30_000);
    expect(warning.message).toContain('Degraded=True');
  });

  it('marks a rule Degraded with ProgressDeadlineExceeded when its pods cannot be scheduled', async () => {
    // A second operator whose detector template selects nodes that do not exist, on its own
    // namespace and lease, with a short progress deadline.
    const unschedulable = await createNamespace('hw-op-nosched');
    const other = await startTestOperator({
      namespaces: [unschedulable.name], leaseNamespace: unschedulable.name, leaseName: 'nosched', identity: 'nosched',
      render: { nodeSelector: { 'herdwatch.io/no-such-node': 'true' }, progressDeadlineSeconds: 10 },
    });
    try {
      await api.createRule(unschedulable.name, herdRule('stuck', { parallelism: 1 }));
      const progressing = await eventually('stuck to be progressing', async () => {
        const r = await api.rule(unschedulable.name, 'stuck');
        return condition(r, 'Ready')?.status === 'False' && condition(r, 'Degraded')?.status === 'False' ? r : undefined;
      });
      expect(condition(progressing, 'Ready')!.reason).toMatch(/DetectorsProgressing|DeploymentUnavailable/);
      const rule = await eventually('stuck Degraded', async () => {
        const r = await api.rule(unschedulable.name, 'stuck');
        return condition(r, 'Degraded')?.status === 'True' ? r : undefined;
      }, 90_000);
      expect(condition(rule, 'Degraded')).toMatchObject({ reason: 'ProgressDeadlineExceeded' });
      expect(condition(rule, 'Degraded')!.message).toContain('0/1 detectors ready');
    } finally {
      await other.stop();
      await unschedulable.remove();
    }
  });

  it('lets the garbage collector remove the children when the rule is deleted', async () => {
    await api.deleteRule(ns.name, 'wide');
    await eventually('wide children to be collected', async () =>
      !(await api.deployment(ns.name, 'wide')) && !(await api.configMap(ns.name, 'wide')), 90_000);
    expect(await api.deployment(ns.name, 'sneaker-surge')).toBeDefined();
  });

  it('converges after a restart with no duplicate children, including changes made while it was down', async () => {
    await op!.stop();
    op = undefined;
    await api.createRule(ns.name, herdRule('while-down', { parallelism: 1 }));
    await api.patchRule(ns.name, 'sneaker-surge', { spec: { parallelism: 2 } });
    op = await start('operator-a2');
    await ready('while-down', 1);
    const rule = await ready('sneaker-surge', 4);
    expect(rule.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    const deployments = (await api.list(ns.name, 'deployments')).map((d) => d.metadata.name).sort();
    const configMaps = (await api.list(ns.name, 'configMaps')).map((c) => c.metadata.name).sort();
    expect(deployments).toEqual(['sneaker-surge-detector', 'while-down-detector']);
    expect(configMaps).toEqual(['sneaker-surge-rule', 'while-down-rule']);
  });

  it('with two replicas only the leader reconciles; the other takes over when the leader stops', async () => {
    const b = await startTestOperator({ namespaces: [ns.name, quotaNs.name], leaseNamespace: ns.name, leaseName: LEASE, identity: 'operator-b' });
    try {
      await api.createRule(ns.name, herdRule('leader-only', { parallelism: 1 }));
      await ready('leader-only', 1);
      // B campaigned all along and never held the lease, so it never reconciled anything.
      expect(b.isLeader()).toBe(false);
      expect(await b.metrics.operationCount()).toBe(0);
      expect(await op!.metrics.operationCount('success')).toBeGreaterThan(0);
      const lease = JSON.parse(await kubectlOk(['-n', ns.name, 'get', 'lease', LEASE, '-o', 'json'])) as { spec: { holderIdentity: string } };
      expect(lease.spec.holderIdentity).toBe('operator-a2');

      await op!.stop(); // releases the lease
      op = undefined;
      await eventually('operator B to lead', async () => b.isLeader(), 20_000);
      await api.createRule(ns.name, herdRule('after-failover', { parallelism: 1 }));
      await ready('after-failover', 1);
      expect(await b.metrics.operationCount('success')).toBeGreaterThan(0);
    } finally {
      op = b;
    }
  });

  it('serves its metrics with bounded labels', async () => {
    const text = await (await fetch(`http://127.0.0.1:${op!.port}/metrics`)).text();
    expect(text).toMatch(/herdwatch_reconcile_operations_total\{result="success"\} [1-9]/);
    expect(text).toContain('herdwatch_reconcile_duration_seconds_bucket');
    expect(text).toContain('herdwatch_reconcile_errors_total');
    expect(text).not.toContain('sneaker-surge');
    expect((await fetch(`http://127.0.0.1:${op!.port}/readyz`)).status).toBe(200);
  });

  it('relists when the real API server answers a watch with 410 Gone, and keeps watching', async () => {
    const real = libraryWatch(loadKubeConfig());
    let first = true;
    const seen: string[] = [];
    // The first watch asks for a resourceVersion long compacted away, as after a long disconnect.
    const watch: WatchFn = (path, query, onEvent, signal) => {
      const q = first ? { ...query, resourceVersion: '1' } : query;
      first = false;
      return real(path, q, (type, obj) => {
        seen.push(type === 'ERROR' ? `ERROR ${(obj as { code?: number }).code}` : type);
        onEvent(type, obj);
      }, signal);
    };
    const inf = new Informer<KubeObject>({ kube: api.kube, watch, resource: RESOURCES.herdRules, namespace: ns.name, handler: () => {} });
    inf.start();
    try {
      await eventually('a relist after 410', async () => inf.stats.lists >= 2);
      expect(seen).toContain('ERROR 410');
      await api.createRule(ns.name, herdRule('seen-after-relist', { parallelism: 1 }));
      await eventually('the informer to see the new rule', async () => inf.cache.has(`${ns.name}/seen-after-relist`));
    } finally {
      await inf.stop();
    }
  });

  it('runs as `herdwatch operator` and on SIGTERM stops and releases its lease', async () => {
    const lease = `${LEASE}-cli`;
    const cli = await spawnCliOperator(lease, 'cli-operator', `${ns.name}-nothing-here`);
    await eventually('the CLI operator to take its lease', async () => (await leaseHolder(lease)) === 'cli-operator', 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${cli.stderr()}`);
    });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(await leaseHolder(lease)).toBe('');
    expect(cli.stderr()).toContain('health and metrics on');
  });

  it('after a leader crashes, a successor waits for the lease to expire, then converges', async () => {
    const crashNs = await createNamespace('hw-op-crash');
    const lease = `${LEASE}-crash`;
    const cli = await spawnCliOperator(lease, 'crashing', crashNs.name);
    let successor: RunningOperator | undefined;
    try {
      await api.createRule(crashNs.name, herdRule('before-crash', { parallelism: 1 }));
      await ready('before-crash', 1, crashNs.name).catch((err: Error) => {
        throw new Error(`${err.message}\n${cli.stderr()}`);
      });
      process.kill(-cli.child.pid!, 'SIGKILL'); // no release: the lease stays held
      await cli.exited;
      await api.createRule(crashNs.name, herdRule('after-crash', { parallelism: 1 }));
      successor = await startTestOperator({ namespaces: [crashNs.name], leaseNamespace: ns.name, leaseName: lease, identity: 'successor' });
      await new Promise((r) => setTimeout(r, 3_000));
      expect(successor.isLeader()).toBe(false); // the crashed leader's 15 s lease is still running
      await eventually('the successor to lead', async () => successor!.isLeader(), 60_000);
      await ready('after-crash', 1, crashNs.name);
      expect((await api.list(crashNs.name, 'deployments')).map((d) => d.metadata.name).sort()).toEqual(['after-crash-detector', 'before-crash-detector']);
    } finally {
      if (cli.child.exitCode === null && cli.child.signalCode === null) process.kill(-cli.child.pid!, 'SIGKILL');
      await successor?.stop();
      await crashNs.remove();
    }
  });
});

export type { RuleObject };
