/**
 * The operator leader is stopped (SIGSTOP) for longer than its lease, while rules keep
 * changing, then resumed. A follower takes over; the resumed replica must write nothing
 * more (it steps down and exits). Shown from the API server's own audit log: every write,
 * who made it (the user agent names the replica) and when the server received it.
 *
 * Two ways to stop it: from outside at a random moment (as a GC pause or a starved node
 * would), and from inside at the one window no client-side check can close, after the leader
 * gate's last check and before the request leaves (test/k8s/operator-process.ts). The second
 * lands a stale write on the API server every time unless the API server refuses it: the
 * chart's write fence (templates/operator-fence.yaml, rendered here by helm) does
 * (docs/adr/0012-operator-write-fence.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderOnly } from '../../src/operator/fence.js';
import { KubeClient, objectPath, RESOURCES } from '../../src/operator/kube.js';
import { KUBE_VERSION, createNamespace, k8sBin, kubeconfigPath, kubectl, kubectlOk, loadKubeConfig, run } from './cluster.js';
import { ROOT, TestApi, ensureCrd, eventually, herdRule } from './operator-harness.js';

interface AuditEvent {
  verb: string;
  userAgent?: string;
  objectRef?: { resource?: string; namespace?: string; name?: string; subresource?: string };
  responseStatus?: { code?: number };
  requestReceivedTimestamp: string;
}

interface Replica {
  readonly child: ChildProcess;
  readonly log: string[];
}

/** A namespace with the chart's fence and a Lease named as the chart names it, `<release>-herdwatch-operator`. */
interface Site {
  ns: string;
  lease: string;
  remove: () => Promise<void>;
}

let api: TestApi;
const replicas: Replica[] = [];
const sites: Site[] = [];

async function site(prefix: string): Promise<Site> {
  const ns = await createNamespace(prefix);
  const release = `stall${Date.now().toString(36)}`;
  // The fence exactly as the chart installs it, scoped to this namespace.
  const t = await run(k8sBin('helm'), ['template', release, join(ROOT, 'charts', 'herdwatch'), '--namespace', ns.name, '--kube-version', KUBE_VERSION,
    '--show-only', 'templates/operator-fence.yaml', '--set', `operator.watchNamespaces={${ns.name}}`]);
  if (t.code !== 0) throw new Error(t.stderr);
  await kubectlOk(['apply', '-f', '-'], t.stdout);
  const s = {
    ns: ns.name,
    lease: `${release}-herdwatch-operator`,
    remove: async () => {
      await kubectl(['delete', '--ignore-not-found', '-f', '-'], t.stdout);
      await ns.remove();
    },
  };
  sites.push(s);
  return s;
}

function replica(s: Site, identity: string, env: NodeJS.ProcessEnv = {}): Replica {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'k8s', 'operator-process.ts'), s.ns, s.lease, identity], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: kubeconfigPath(), ...env },
  });
  const r = { child, log: [] as string[] };
  child.stdout?.on('data', (d: Buffer) => r.log.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => r.log.push(d.toString()));
  replicas.push(r);
  return r;
}

const says = (r: Replica, text: string) => r.log.join('').includes(text);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function auditLog(): AuditEvent[] {
  return readFileSync(process.env.HW_K8S_AUDIT_LOG!, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent);
}

beforeAll(async () => {
  const audit = process.env.HW_K8S_AUDIT_LOG;
  if (!audit || !existsSync(audit)) throw new Error('no API server audit log: run with `make test-k8s` (scripts/k8s/up.sh writes it; restart an older running plane with make k8s-down)');
  await ensureCrd();
  api = new TestApi();
});

afterAll(async () => {
  for (const r of replicas) {
    r.child.kill('SIGCONT');
    r.child.kill('SIGKILL');
  }
  for (const s of sites) await s.remove();
});

/**
 * Replica a leads and reconciles three rules, b follows; `stop` freezes a while rules keep
 * changing; b takes over; a is resumed and must exit. Returns what the API server recorded.
 */
async function failover(s: Site, freezeInSend: boolean, stop: (a: Replica) => Promise<void>) {
  const [ida, idb] = [`${s.ns}-a`, `${s.ns}-b`];
  const a = replica(s, ida, freezeInSend ? { HW_TEST_FREEZE_IN_SEND: '1' } : {});
  await eventually('a to lead', async () => says(a, `${ida} started leading`), 60_000);
  const b = replica(s, idb);
  await eventually('b to follow', async () => says(b, `leader is ${ida}`), 60_000);
  for (let i = 0; i < 3; i++) await api.createRule(s.ns, herdRule(`r${i}`));
  await eventually('the leader to reconcile', async () => (await api.deployment(s.ns, 'r2')) !== undefined);

  // Rules keep changing while the leader is frozen: its watch queues the events, and on
  // resuming, its workers try to act on them at once.
  let editing = true;
  const edits = (async () => {
    for (let i = 0; editing; i++) {
      await api.patchRule(s.ns, `r${i % 3}`, { spec: { parallelism: 1 + (i % 3) } });
      await pause(300);
    }
  })();
  try {
    await stop(a);
    await eventually('b to take over', async () => says(b, `${idb} started leading`), 60_000);
    await pause(2000);
    a.child.kill('SIGCONT');
    await eventually('the resumed replica to step down and exit', async () => a.child.exitCode !== null, 60_000);
    await pause(2000);
  } catch (err) {
    // What each replica said, for a failure that only shows on a loaded machine.
    for (const [id, r] of [[ida, a], [idb, b]] as const) console.error(`--- ${id} (last 40 lines)\n${r.log.join('').split('\n').slice(-40).join('\n')}`);
    throw err;
  } finally {
    editing = false;
    await edits;
  }
  expect(a.child.exitCode).toBe(1);

  const mine = auditLog().filter((e) => e.objectRef?.namespace === s.ns && e.userAgent?.startsWith(`herdwatch-operator/${s.ns}-`));
  const accepted = mine.filter((e) => (e.responseStatus?.code ?? 500) < 400);
  const by = (id: string, events = accepted) => events.filter((e) => e.userAgent === `herdwatch-operator/${id}`);
  const takeover = by(idb).find((e) => e.objectRef?.resource === 'leases');
  expect(takeover).toBeDefined();
  const t = Date.parse(takeover!.requestReceivedTimestamp);
  const after = (events: AuditEvent[]) => events.filter((e) => Date.parse(e.requestReceivedTimestamp) >= t);
  const show = (events: AuditEvent[]) => events.map((e) => `${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name ?? ''} ${e.responseStatus?.code} ${e.requestReceivedTimestamp}`);
  // The resumed replica landed nothing once b held the lease.
  expect(show(after(by(ida)))).toEqual([]);
  // Both really acted: the first leader before the stall, the second after taking over.
  expect(by(ida).filter((e) => e.objectRef?.resource !== 'leases').length).toBeGreaterThan(0);
  expect(after(by(idb)).filter((e) => e.objectRef?.resource !== 'leases').length).toBeGreaterThan(0);
  if (process.env.HW_DEBUG) for (const r of [a, b]) console.log(r.log.join(''));
  // What a tried after the takeover and the fence refused (403).
  return { refused: after(by(ida, mine)).filter((e) => e.responseStatus?.code === 403 && e.objectRef?.resource !== 'leases') };
}

describe('a stalled operator leader', () => {
  it('never writes once another replica holds the lease, as the API server recorded it (stopped from outside)', async () => {
    const s = await site('hw-stall');
    await failover(s, false, async (a) => {
      a.child.kill('SIGSTOP');
    });

    // Deterministic, without a stall: the operator's own gate and client, as a replica that
    // believes it still leads under a's first term (the fail-over moved the Lease on).
    const lease = JSON.parse(await kubectlOk(['-n', s.ns, 'get', 'lease', s.lease, '-o', 'json'])) as { spec: { holderIdentity?: string; leaseTransitions?: number } };
    const current = `${lease.spec.leaseTransitions ?? 0}/${lease.spec.holderIdentity ?? ''}`;
    expect(current).toBe(`1/${s.ns}-b`);
    const kube = new KubeClient(loadKubeConfig());
    const write = (term: string) => leaderOnly(kube, { remainingMs: () => 10_000, term: () => term }).request('PATCH', objectPath(RESOURCES.herdRules, s.ns, 'r0', 'status'), {
      body: { status: { observedGeneration: 1 } }, contentType: 'application/merge-patch+json',
    });
    await expect(write(`0/${s.ns}-a`)).rejects.toMatchObject({ code: 'HW_ERR_NOT_LEADER' });
    // Control: the same write under the Lease's current term is accepted.
    await expect(write(current)).resolves.toBeDefined();
  });

  it('has its write refused by the API server when it froze after its last lease check, before the send', async () => {
    const s = await site('hw-stall-send');
    const { refused } = await failover(s, true, async (a) => {
      a.child.kill('SIGUSR2');
      await eventually('a to freeze inside a write', async () => says(a, 'frozen in send'), 60_000);
    });
    // The frozen write did reach the API server after the takeover, and was refused there.
    expect(refused.length).toBeGreaterThan(0);
  });
});
