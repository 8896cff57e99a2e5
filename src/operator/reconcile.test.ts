import { describe, expect, it } from 'vitest';
import type { HerdRule } from '../rules/schema.js';
import { kubeError, type KubeRequester, type RequestOptions } from './kube.js';
import { renderOptions } from './options.js';
import { Reconciler } from './reconcile.js';
import type { EventRecorder } from './recorder.js';
import { sampleRule } from './testing.js';

interface Call { method: string; path: string; opts: RequestOptions | undefined }

/** Records requests; answers applies with the object plus a ready status, like the API server would later. */
function fakeKube(fail?: (c: Call) => Error | undefined): KubeRequester & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async request<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
      const call = { method, path, opts };
      calls.push(call);
      const err = fail?.(call);
      if (err) throw err;
      const body = opts?.body as { kind?: string; spec?: { replicas?: number }; status?: unknown };
      if (body?.kind === 'Deployment') {
        const n = body.spec?.replicas ?? 0;
        return { ...body, metadata: { generation: 1 }, status: { observedGeneration: 1, replicas: n, readyReplicas: n, availableReplicas: n, updatedReplicas: n } } as T;
      }
      return body as T;
    },
  };
}

function recorder(): EventRecorder & { events: string[] } {
  const events: string[] = [];
  return { events, record: async (_r, type, reason) => void events.push(`${type} ${reason}`) };
}

const now = () => Date.UTC(2026, 10, 21, 12);

describe('Reconciler', () => {
  it('applies the ConfigMap then the Deployment with one field manager, forced, and writes status once', async () => {
    const kube = fakeKube();
    const rec = recorder();
    const r = new Reconciler({ kube, render: renderOptions(), recorder: rec, now });
    const out = await r.reconcile(sampleRule());
    expect(kube.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'PATCH /api/v1/namespaces/shop/configmaps/sneaker-surge-rule',
      'PATCH /apis/apps/v1/namespaces/shop/deployments/sneaker-surge-detector',
      'PATCH /apis/herdwatch.io/v1alpha1/namespaces/shop/herdrules/sneaker-surge/status',
    ]);
    expect(kube.calls[0]!.opts).toMatchObject({ query: { fieldManager: 'herdwatch-operator', force: true }, contentType: 'application/apply-patch+yaml' });
    expect(kube.calls[2]!.opts?.contentType).toBe('application/merge-patch+json');
    expect(out.status?.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'True' });
    expect(rec.events).toEqual(['Normal DetectorsAvailable']);

    // The same rule with the status it now has: nothing to write, nothing to announce.
    const again = sampleRule();
    again.status = out.status!;
    kube.calls.length = 0;
    await r.reconcile(again);
    expect(kube.calls.filter((c) => c.path.endsWith('/status'))).toEqual([]);
    expect(rec.events).toHaveLength(1);
  });

  it('reports an invalid spec without touching the detectors', async () => {
    const kube = fakeKube();
    const rec = recorder();
    const bad = sampleRule() as HerdRule;
    (bad.spec.detector as { window: string }).window = 'five minutes';
    const out = await new Reconciler({ kube, render: renderOptions(), recorder: rec, now }).reconcile(bad);
    expect(out.outcome).toBe('invalid');
    expect(kube.calls.map((c) => c.path)).toEqual(['/apis/herdwatch.io/v1alpha1/namespaces/shop/herdrules/sneaker-surge/status']);
    const status = (kube.calls[0]!.opts!.body as { status: { conditions: { type: string; reason: string; message: string }[] } }).status;
    expect(status.conditions[0]).toMatchObject({ type: 'Ready', reason: 'InvalidSpec' });
    expect(status.conditions[0]!.message).toContain('/detector/window');
    expect(rec.events).toEqual(['Warning InvalidSpec']);
  });

  it('writes ApplyFailed to status and throws so the queue retries with backoff', async () => {
    const kube = fakeKube((c) => (c.path.includes('/deployments/') ? kubeError(403, 'deployments "x" is forbidden: exceeded quota') : undefined));
    const r = new Reconciler({ kube, render: renderOptions(), recorder: recorder(), now });
    await expect(r.reconcile(sampleRule())).rejects.toThrow(/forbidden/);
    const statusCall = kube.calls.find((c) => c.path.endsWith('/status'))!;
    expect(JSON.stringify(statusCall.opts!.body)).toContain('ApplyFailed');
  });

  it('leaves a rule being deleted to the garbage collector', async () => {
    const kube = fakeKube();
    const rule = { ...sampleRule(), metadata: { ...sampleRule().metadata, deletionTimestamp: '2026-11-21T12:00:00Z' } };
    expect((await new Reconciler({ kube, render: renderOptions(), recorder: recorder(), now }).reconcile(rule)).outcome).toBe('deleting');
    expect(kube.calls).toEqual([]);
  });

  it('with Kafka configured, guards a rule with a finalizer and, when it is deleted, retires its snapshots before letting it go', async () => {
    const kube = fakeKube();
    const retired: { rule: string; partitions: number }[] = [];
    const r = new Reconciler({ kube, render: renderOptions({ partitions: 6 }), recorder: recorder(), now, retireTrends: async (x) => void retired.push(x) });
    await r.reconcile(sampleRule());
    const add = kube.calls[0]!;
    expect(`${add.method} ${add.path}`).toBe('PATCH /apis/herdwatch.io/v1alpha1/namespaces/shop/herdrules/sneaker-surge');
    expect(add.opts?.body).toEqual({ metadata: { finalizers: ['herdwatch.io/trends'], resourceVersion: '4711' } });

    kube.calls.length = 0;
    const base = sampleRule();
    const deleting = { ...base, metadata: { ...base.metadata, deletionTimestamp: '2026-11-21T12:00:00Z', finalizers: ['other.io/x', 'herdwatch.io/trends'] } };
    expect((await r.reconcile(deleting)).outcome).toBe('deleting');
    expect(retired).toEqual([{ rule: 'shop/sneaker-surge', partitions: 6 }]);
    expect(kube.calls.map((c) => c.opts?.body)).toEqual([{ metadata: { finalizers: ['other.io/x'], resourceVersion: '4711' } }]);
  });

  it('keeps the finalizer (and retries) while the snapshots cannot be retired, for two minutes at most', async () => {
    const kube = fakeKube();
    const rec = recorder();
    let t = now();
    const r = new Reconciler({ kube, render: renderOptions(), recorder: rec, now: () => t, retireTrends: async () => {
      throw new Error('Kafka is away');
    } });
    const base = sampleRule();
    const deleting = { ...base, metadata: { ...base.metadata, deletionTimestamp: new Date(now()).toISOString(), finalizers: ['herdwatch.io/trends'] } };
    await expect(r.reconcile(deleting)).rejects.toThrow(/Kafka is away/);
    expect(kube.calls).toEqual([]);
    // A Kafka that never comes back must not keep the rule forever.
    t += 121_000;
    expect((await r.reconcile(deleting)).outcome).toBe('deleting');
    expect(kube.calls.map((c) => c.opts?.body)).toEqual([{ metadata: { finalizers: [], resourceVersion: '4711' } }]);
    expect(rec.events).toEqual(['Warning TrendsNotRetired']);
  });

  it('lets a rule that still carries the finalizer go when Kafka is no longer configured', async () => {
    const kube = fakeKube();
    const base = sampleRule();
    const deleting = { ...base, metadata: { ...base.metadata, deletionTimestamp: '2026-11-21T12:00:00Z', finalizers: ['herdwatch.io/trends'] } };
    await new Reconciler({ kube, render: renderOptions(), recorder: recorder(), now }).reconcile(deleting);
    expect(kube.calls.map((c) => c.opts?.body)).toEqual([{ metadata: { finalizers: [], resourceVersion: '4711' } }]);
  });
});
