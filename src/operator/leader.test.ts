import { describe, expect, it } from 'vitest';
import { ConflictError, LeaderElector, type LeaseRecord, type LeaseStore } from './leader.js';
import { ManualClock } from './testing.js';

/** An in-memory Lease with the API server's optimistic concurrency. */
class FakeLease implements LeaseStore {
  record: LeaseRecord | undefined;
  version = 0;
  failing = false;
  async get() {
    if (this.failing) throw new Error('connection refused');
    return this.record ? { record: { ...this.record }, version: String(this.version) } : undefined;
  }
  async create(record: LeaseRecord) {
    if (this.failing) throw new Error('connection refused');
    if (this.record) throw new ConflictError();
    this.record = { ...record };
    this.version++;
  }
  async update(record: LeaseRecord, version: string) {
    if (this.failing) throw new Error('connection refused');
    if (String(this.version) !== version) throw new ConflictError();
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
        throw new ConflictError();
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
});
