import { sleep, systemClock, type Clock } from './clock.js';

/** What a coordination.k8s.io/v1 Lease holds, in the operator's terms. */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

/** A Lease behind optimistic concurrency: create and update fail with ConflictError when someone else wrote first. */
export interface LeaseStore {
  get(): Promise<{ record: LeaseRecord; version: string } | undefined>;
  create(record: LeaseRecord): Promise<void>;
  update(record: LeaseRecord, version: string): Promise<void>;
}

export class ConflictError extends Error {
  constructor(message = 'lease was changed by someone else') {
    super(message);
    this.name = 'ConflictError';
  }
}

export interface ElectorOptions {
  identity: string;
  store: LeaseStore;
  clock?: Clock;
  leaseDurationMs?: number;
  /** A leader that cannot renew for this long steps down, before others may take over. */
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onNewLeader?: (identity: string) => void;
  log?: (msg: string) => void;
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Lease-based leader election, the client-go way: a lease counts as expired only when this
 * process has seen it unchanged for a whole lease duration (measured on its own clock, so
 * clock skew between nodes does not matter). Renewals that fail past the renew deadline
 * make the leader step down before any other candidate can acquire.
 */
export class LeaderElector {
  private readonly o: Required<Omit<ElectorOptions, 'onNewLeader' | 'log'>> & Pick<ElectorOptions, 'onNewLeader' | 'log'>;
  private observed: { key: string; at: number } | undefined;
  private lastRenew = 0;
  private leader = false;
  private currentHolder = '';

  constructor(opts: ElectorOptions) {
    this.o = { clock: systemClock, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, ...opts };
  }

  get isLeader(): boolean {
    return this.leader;
  }

  get holder(): string {
    return this.currentHolder;
  }

  /** One attempt; true when this process holds the lease afterwards. Never throws. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { clock, identity, store } = this.o;
    const now = clock.now();
    const fresh = (prev?: LeaseRecord): LeaseRecord => ({
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.o.leaseDurationMs / 1000),
      acquireTime: prev?.holderIdentity === identity ? prev.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (prev?.leaseTransitions ?? 0) + (prev && prev.holderIdentity !== identity ? 1 : 0),
    });
    try {
      const current = await store.get();
      if (!current) {
        await store.create(fresh());
        return this.won(now);
      }
      const { record, version } = current;
      const key = `${record.holderIdentity}|${record.renewTime}|${version}`;
      if (this.observed?.key !== key) this.observed = { key, at: now };
      this.seeHolder(record.holderIdentity);
      const heldByOther = record.holderIdentity !== '' && record.holderIdentity !== identity;
      const expired = this.observed.at + record.leaseDurationSeconds * 1000 <= now;
      if (heldByOther && !expired) return this.lost();
      await store.update(fresh(record), version);
      return this.won(now);
    } catch (err) {
      this.o.log?.(`leader election: ${(err as Error).message}`);
      // A leader keeps leading through brief API errors, until the renew deadline.
      if (this.leader && clock.now() - this.lastRenew < this.o.renewDeadlineMs && !(err instanceof ConflictError)) return true;
      return this.lost();
    }
  }

  /**
   * Campaigns until elected, then renews until leadership is lost or `signal` aborts.
   * Resolves true when it stopped because of the signal, false when leadership was lost.
   */
  async run(signal: AbortSignal, onStartedLeading: () => void): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) break;
      await sleep(this.o.clock, this.o.retryPeriodMs, signal);
    }
    if (signal.aborted) return true;
    onStartedLeading();
    while (!signal.aborted) {
      await sleep(this.o.clock, this.o.retryPeriodMs, signal);
      if (signal.aborted) break;
      if (!(await this.tryAcquireOrRenew())) return false;
    }
    return true;
  }

  /** Gives the lease up so another replica takes over at once instead of after it expires. */
  async release(): Promise<void> {
    if (!this.leader) return;
    this.leader = false;
    try {
      const current = await this.o.store.get();
      if (!current || current.record.holderIdentity !== this.o.identity) return;
      const now = microTime(this.o.clock.now());
      await this.o.store.update({ ...current.record, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now }, current.version);
    } catch (err) {
      this.o.log?.(`leader election: release failed: ${(err as Error).message}`);
    }
  }

  private won(now: number): boolean {
    this.leader = true;
    this.lastRenew = now;
    this.seeHolder(this.o.identity);
    return true;
  }

  private lost(): boolean {
    this.leader = false;
    return false;
  }

  private seeHolder(identity: string): void {
    if (identity !== this.currentHolder) {
      this.currentHolder = identity;
      if (identity) this.o.onNewLeader?.(identity);
    }
  }
}
