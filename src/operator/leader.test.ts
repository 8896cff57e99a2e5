import { describe, expect, it } from 'vitest';
import type { KubeRequester } from './kube.js';
import { leaderOnly } from './fence.js';
import { leaseConflict, LeaderElector, type LeaseRecord, type LeaseStore } from './leader.js';
import { ManualClock } from './testing.js';

/** An in-memory Lease with the API server's optimistic concurrency. */
class FakeLease implements LeaseStore {
  record: LeaseRecord | undefined;
  version = 0;
  failing = false;
  /** Calls never answer (a partitioned or overloaded API server), unless their signal aborts. */
  hanging = false;
  private hang(signal?: AbortSignal): Promise<never> {
    return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
  }
  async get(signal?: AbortSignal) {
    if (this.hanging) return this.hang(signal);
    if (this.failing) throw new Error('connection refused');
    return this.record ? { record: { ...this.record }, version: String(this.version) } : undefined;
  }
  async create(record: LeaseRecord) {
    if (this.failing) throw new Error('connection refused');
    if (this.record) throw leaseConflict();
    this.record = { ...record };
    this.version++;
  }
  async update(record: LeaseRecord, version: string, signal?: AbortSignal) {
    if (this.hanging) return this.hang(signal);
    if (this.failing) throw new Error('connection refused');
    if (String(this.version) !== version) throw leaseConflict();
    this.record = { ...record };
    this.version++;
  }
}

const elector = (identity: string, store: LeaseStore, clock: ManualClock) =>
  new LeaderElector({ identity, store, clock, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });

describe('LeaderElector', () => {
  it('lets exactly one of two candidates lead', async () => {
    const clock = new ManualClock();
    const lease = new FakeLease();
    const a = elector('a', lease, clock);
    const b = elector('b', lease, clock);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(b.holder).toBe('a');
    for (let i = 0; i < 20; i++) {
      clock.advance(2_000);
      expect(await a.tryAcquireOrRenew()).toBe(true);
      expect(await b.tryAcquireOrRenew()).toBe(false);
    }
    expect(lease.record!.holderIdentity).toBe('a');
  });

  it('takes over a lease whose holder stopped renewing, only after a full lease duration', async () => {
    const clock = new ManualClock();
    const lease = new FakeLease();
    const a = elector('a', lease, clock);
    const b = elector('b', lease, clock);
    await a.tryAcquireOrRenew();
    expect(await b.tryAcquireOrRenew()).toBe(false); // b first sees the record now
    clock.advance(14_000);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(1_000);
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(lease.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(a.isLeader).toBe(false);
  });

  it('hands over at once when the leader releases', async () => {
    const clock = new ManualClock();
    const lease = new FakeLease();
    const a = elector('a', lease, clock);
    const b = elector('b', lease, clock);
    await a.tryAcquireOrRenew();
    expect(await b.tryAcquireOrRenew()).toBe(false);
    await a.release();
    expect(a.isLeader).toBe(false);
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });

  it('keeps leading through brief API errors and steps down after the renew deadline', async () => {
    const clock = new ManualClock();
    const lease = new FakeLease();
    const a = elector('a', lease, clock);
    await a.tryAcquireOrRenew();
    lease.failing = true;
    clock.advance(8_000);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    clock.advance(2_000);
    expect(await a.tryAcquireOrRenew()).toBe(false);
  });

  it('loses when another writer wins the race for the same version', async () => {
    const clock = new ManualClock();
    const lease = new FakeLease();
    const a = elector('a', lease, clock);
    await a.tryAcquireOrRenew();
    const racing: LeaseStore = {
      get: () => lease.get(),
      create: (r) => lease.create(r),
      update: async () => {
        throw leaseConflict();
      },
    };
    const a2 = elector('a', racing, clock);
    expect(await a2.tryAcquireOrRenew()).toBe(false);
  });

  it('run() leads until the signal aborts', async () => {
    const clock = new ManualClock();
    const lease = new FakeLease();
    const a = elector('a', lease, clock);
    const ac = new AbortController();
    let started = 0;
    const done = a.run(ac.signal, () => started++);
    await new Promise((r) => setImmediate(r));
    expect(started).toBe(1);
    ac.abort();
    expect(await done).toBe(true);
  });

  it('bounds a renewal that hangs by the renew deadline, and steps down then', async () => {
    const clock = new ManualClock();
    const lease = new FakeLease();
    const a = elector('a', lease, clock);
    await a.tryAcquireOrRenew();
    clock.advance(2_000);
    lease.hanging = true;
    let result: boolean | undefined;
    void a.tryAcquireOrRenew().then((r) => (result = r));
    await flush();
    clock.advance(7_999);
    await flush();
    expect(result).toBeUndefined();
    expect(a.isLeader).toBe(true);
    clock.advance(1);
    await flush();
    expect(result).toBe(false);
    expect(a.isLeader).toBe(false);
  });

  it('stops acting the moment the renew deadline passes, before any renewal returns (a stalled process resumed)', async () => {
    const clock = new ManualClock();
    const lease = new FakeLease();
    const a = elector('a', lease, clock);
    await a.tryAcquireOrRenew();
    expect(a.isLeader).toBe(true);
    // SIGSTOP for longer than the lease: no timer ran, no request went out; the clock moved.
    clock.jump(20_000);
    expect(a.isLeader).toBe(false);
    expect(a.live()).toBe(false);
  });

  it('is live while it renews in time, and while it is a follower', async () => {
    const clock = new ManualClock();
    const lease = new FakeLease();
    const a = elector('a', lease, clock);
    const b = elector('b', lease, clock);
    expect(a.live()).toBe(true);
    await a.tryAcquireOrRenew();
    await b.tryAcquireOrRenew();
    for (let i = 0; i < 10; i++) {
      clock.advance(2_000);
      await a.tryAcquireOrRenew();
      expect(a.live()).toBe(true);
      expect(b.live()).toBe(true);
    }
  });

  it('run() gives up leadership at the renew deadline even while a renewal hangs', async () => {
    const clock = new ManualClock();
    const lease = new FakeLease();
    const a = elector('a', lease, clock);
    const ac = new AbortController();
    let outcome: boolean | undefined;
    void a.run(ac.signal, () => undefined).then((r) => (outcome = r));
    await flush();
    lease.hanging = true;
    for (let t = 0; t < 12_000 && outcome === undefined; t += 500) {
      clock.advance(500);
      await flush();
    }
    expect(outcome).toBe(false);
    ac.abort();
  });

  it('leaderOnly() refuses writes once the renew deadline passed and bounds each write by it', async () => {
    const clock = new ManualClock();
    const lease = new FakeLease();
    const a = elector('a', lease, clock);
    const calls: { method: string; signal?: AbortSignal }[] = [];
    const kube: KubeRequester = {
      request: async <T>(method: string, _path: string, opts?: { signal?: AbortSignal }) => {
        calls.push({ method, ...(opts?.signal ? { signal: opts.signal } : {}) });
        return undefined as T;
      },
    };
    const gated = leaderOnly(kube, a);
    await expect(gated.request('PATCH', '/x')).rejects.toMatchObject({ code: 'HW_ERR_NOT_LEADER' });
    await a.tryAcquireOrRenew();
    await gated.request('PATCH', '/x');
    await gated.request('GET', '/x');
    expect(calls.map((c) => c.method)).toEqual(['PATCH', 'GET']);
    expect(calls[0]!.signal).toBeDefined();
    // Allowed at the gate, then frozen before the send (the client's own async steps): refused at the send.
    const late: KubeRequester = {
      request: async <T>(method: string, _path: string, opts?: { beforeSend?: () => void }) => {
        clock.jump(10_000);
        opts?.beforeSend?.();
        calls.push({ method });
        return undefined as T;
      },
    };
    await expect(leaderOnly(late, a).request('PATCH', '/x')).rejects.toMatchObject({ code: 'HW_ERR_NOT_LEADER' });
    await expect(gated.request('PUT', '/x')).rejects.toMatchObject({ code: 'HW_ERR_NOT_LEADER' });
    // Reads stay allowed: a follower's caches may sync.
    await gated.request('GET', '/x');
    expect(calls.map((c) => c.method)).toEqual(['PATCH', 'GET', 'GET']);
  });
});

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
