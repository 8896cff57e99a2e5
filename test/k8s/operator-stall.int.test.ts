/**
 * The operator leader is stopped (SIGSTOP) for longer than its lease, while rules keep
 * changing, then resumed. A follower takes over; the resumed replica must write nothing
 * more (it steps down and exits). Shown from the API server's own audit log: every write,
 * who made it (the user agent names the replica) and when the server received it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, kubeconfigPath } from './cluster.js';
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

let api: TestApi;
let ns: { name: string; remove: () => Promise<void> };
const replicas: Replica[] = [];
const LEASE = `herdwatch-stall-${Date.now().toString(36)}`;

function replica(identity: string): Replica {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'k8s', 'operator-process.ts'), ns.name, LEASE, identity], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: kubeconfigPath() },
  });
  const r = { child, log: [] as string[] };
  child.stdout?.on('data', (d: Buffer) => r.log.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => r.log.push(d.toString()));
  replicas.push(r);
  return r;
}

const says = (r: Replica, text: string) => r.log.join('').includes(text);

function auditLog(): AuditEvent[] {
  return readFileSync(process.env.HW_K8S_AUDIT_LOG!, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent);
}

beforeAll(async () => {
  await ensureCrd();
  ns = await createNamespace('hw-stall');
  api = new TestApi();
});

afterAll(async () => {
  for (const r of replicas) {
    r.child.kill('SIGCONT');
    r.child.kill('SIGKILL');
  }
  await ns?.remove();
});

describe('a stalled operator leader', () => {
  it('never writes once another replica holds the lease, as the API server recorded it', async () => {
    const audit = process.env.HW_K8S_AUDIT_LOG;
    if (!audit || !existsSync(audit)) throw new Error('no API server audit log: run with `make test-k8s` (scripts/k8s/up.sh writes it; restart an older running plane with make k8s-down)');
    const a = replica('stall-a');
    await eventually('stall-a to lead', async () => says(a, 'stall-a started leading'), 60_000);
    const b = replica('stall-b');
    await eventually('stall-b to follow', async () => says(b, 'leader is stall-a'), 60_000);
    for (let i = 0; i < 3; i++) await api.createRule(ns.name, herdRule(`r${i}`));
    await eventually('the leader to reconcile', async () => (await api.deployment(ns.name, 'r2')) !== undefined);

    a.child.kill('SIGSTOP');
    // Rules keep changing while the leader is frozen: its watch queues the events, and on
    // resuming, its workers try to act on them at once.
    let editing = true;
    const edits = (async () => {
      for (let i = 0; editing; i++) {
        await api.patchRule(ns.name, `r${i % 3}`, { spec: { parallelism: 1 + (i % 3) } });
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    await eventually('stall-b to take over', async () => says(b, 'stall-b started leading'), 60_000);
    await new Promise((r) => setTimeout(r, 2000));
    a.child.kill('SIGCONT');
    await eventually('the resumed replica to step down and exit', async () => a.child.exitCode !== null, 60_000);
    await new Promise((r) => setTimeout(r, 2000));
    editing = false;
    await edits;
    expect(a.child.exitCode).toBe(1);

    const writes = auditLog().filter((e) => e.objectRef?.namespace === ns.name && e.userAgent?.startsWith('herdwatch-operator/stall-') && (e.responseStatus?.code ?? 500) < 400);
    const by = (id: string) => writes.filter((e) => e.userAgent === `herdwatch-operator/${id}`);
    const takeover = by('stall-b').find((e) => e.objectRef?.resource === 'leases');
    expect(takeover).toBeDefined();
    const t = Date.parse(takeover!.requestReceivedTimestamp);
    const aAfter = by('stall-a').filter((e) => Date.parse(e.requestReceivedTimestamp) >= t);
    expect(aAfter.map((e) => `${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name ?? ''} ${e.requestReceivedTimestamp}`)).toEqual([]);
    // Both really acted: the first leader before the stall, the second after taking over.
    expect(by('stall-a').filter((e) => e.objectRef?.resource !== 'leases').length).toBeGreaterThan(0);
    expect(by('stall-b').filter((e) => e.objectRef?.resource !== 'leases' && Date.parse(e.requestReceivedTimestamp) > t).length).toBeGreaterThan(0);
    if (process.env.HW_DEBUG) for (const r of replicas) console.log(r.log.join(''));
  });
});
