import { describe, expect, it } from 'vitest';
import { LEADER_TERM_ANNOTATION, leaderOnly, stampTerm } from './fence.js';
import { KubeError, type KubeRequester, type RequestOptions } from './kube.js';
import { leaseConflict, LeaderElector, type LeaseRecord, type LeaseStore } from './leader.js';
import { ManualClock } from './testing.js';

class MemoryLease implements LeaseStore {
  record: LeaseRecord | undefined;
  version = 0;
  async get() {
    return this.record ? { record: { ...this.record }, version: String(this.version) } : undefined;
  }
  async create(record: LeaseRecord) {
    if (this.record) throw leaseConflict();
    this.record = { ...record };
    this.version++;
  }
  async update(record: LeaseRecord, version: string) {
    if (String(this.version) !== version) throw leaseConflict();
    this.record = { ...record };
    this.version++;
  }
}

const recorder = (calls: { method: string; opts: RequestOptions }[]): KubeRequester => ({
  request: async <T>(method: string, _path: string, opts: RequestOptions = {}) => {
    calls.push({ method, opts });
    return undefined as T;
  },
});

describe('the leader-term write fence', () => {
  it('puts the term in an applied object\'s annotation, keeping the stable field manager, and in the field manager of other writes', () => {
    const apply = stampTerm({ contentType: 'application/apply-patch+yaml', query: { fieldManager: 'herdwatch-operator', force: true }, body: { metadata: { name: 'x', annotations: { a: 'b' } } } }, '3/op-1');
    expect(apply.query).toEqual({ fieldManager: 'herdwatch-operator', force: true });
    expect(apply.body).toEqual({ metadata: { name: 'x', annotations: { a: 'b', [LEADER_TERM_ANNOTATION]: '3/op-1' } } });
    const status = stampTerm({ contentType: 'application/merge-patch+json', body: { status: {} } }, '3/op-1');
    expect(status.query).toEqual({ fieldManager: 'herdwatch-operator/3/op-1' });
    expect(status.body).toEqual({ status: {} });
  });

  it('stamps each write with the term the replica won, and a new leader\'s writes with the next term', async () => {
    const clock = new ManualClock();
    const lease = new MemoryLease();
    const opts = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, clock, store: lease };
    const a = new LeaderElector({ identity: 'a', ...opts });
    const b = new LeaderElector({ identity: 'b', ...opts });
    const calls: { method: string; opts: RequestOptions }[] = [];
    expect(await a.tryAcquireOrRenew()).toBe(true);
    await leaderOnly(recorder(calls), a).request('POST', '/events', { body: {} });
    expect(calls[0]!.opts.query).toEqual({ fieldManager: 'herdwatch-operator/0/a' });
    // a stalls past its lease; b sees the record unchanged for a lease duration and takes over.
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.jump(16_000);
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(lease.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await leaderOnly(recorder(calls), b).request('PATCH', '/status', { body: {} });
    expect(calls[1]!.opts.query).toEqual({ fieldManager: 'herdwatch-operator/1/b' });
    expect(a.term()).toBeUndefined();
  });

  it('turns the API server\'s fence refusal into HW_ERR_NOT_LEADER', async () => {
    const clock = new ManualClock();
    const a = new LeaderElector({ identity: 'a', store: new MemoryLease(), clock });
    await a.tryAcquireOrRenew();
    const fenced: KubeRequester = {
      request: async () => {
        throw new KubeError(403, "PATCH /x: 403 ValidatingAdmissionPolicy 'hw-herdwatch-operator-fence' denied request: HW_ERR_NOT_LEADER: leader term 0/a is not the lease's 1/b", 'Forbidden');
      },
    };
    await expect(leaderOnly(fenced, a).request('PATCH', '/x')).rejects.toMatchObject({ code: 'HW_ERR_NOT_LEADER' });
    const rbac: KubeRequester = { request: async () => { throw new KubeError(403, 'PATCH /x: 403 forbidden: User cannot patch', 'Forbidden'); } };
    await expect(leaderOnly(rbac, a).request('PATCH', '/x')).rejects.toMatchObject({ code: 'HW_ERR_KUBE_API' });
  });
});
