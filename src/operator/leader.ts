import { hasCode, HwError } from '../errors.js';
import { sleep, systemClock, type Clock } from './clock.js';
import { errFields, type Logger } from '../log/logger.js';
import { leaderTerm } from './fence.js';

/** What a coordination.k8s.io/v1 Lease holds, in the operator's terms. */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

/**
 * A Lease behind optimistic concurrency: create and update fail with HW_ERR_LEASE_CONFLICT when
 * someone else wrote first. `signal` aborts a call that outlives the elector's deadline.
 */
export interface LeaseStore {
  get(signal?: AbortSignal): Promise<{ record: LeaseRecord; version: string } | undefined>;
  create(record: LeaseRecord, signal?: AbortSignal): Promise<void>;
  update(record: LeaseRecord, version: string, signal?: AbortSignal): Promise<void>;
}

/** What a LeaseStore throws when someone else wrote first (optimistic concurrency). */
export function leaseConflict(): HwError {
  return new HwError('HW_ERR_LEASE_CONFLICT');
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
  logger?: Logger;
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
 *
 * The renew deadline is enforced on the clock, not by the API calls: each attempt is cut
 * off when the deadline passes (a hung request cannot stretch it), `isLeader` turns false
 * the moment it passes (a process stalled past its lease and resumed acts on nothing before
 * it notices), and `live()` fails while a leader is past it, so a stuck process is restarted.
 */
export class LeaderElector {
  private readonly o: Required<Omit<ElectorOptions, 'onNewLeader' | 'logger'>> & Pick<ElectorOptions, 'onNewLeader' | 'logger'>;
  private observed: { key: string; at: number } | undefined;
  private lastRenew = 0;
  private leader = false;
  private currentHolder = '';
  private wrote: LeaseRecord | undefined;

  constructor(opts: ElectorOptions) {
    this.o = { clock: systemClock, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, ...opts };
  }

  /** Leading, and the last renewal is younger than the renew deadline: safe to write. */
  get isLeader(): boolean {
    return this.remainingMs() > 0;
  }

  /** How long this replica may still act without a renewal; 0 when it is not (or no longer) leading. */
  remainingMs(): number {
    return this.leader ? Math.max(0, this.lastRenew + this.o.renewDeadlineMs - this.o.clock.now()) : 0;
  }

  /**
   * For the liveness probe: false when this replica believes it leads but has not renewed
   * within the renew deadline plus one retry period, i.e. the loop that should have stepped
   * down is stuck. A follower, or a leader renewing on time, is live.
   */
  live(): boolean {
    return !this.leader || this.o.clock.now() - this.lastRenew < this.o.renewDeadlineMs + this.o.retryPeriodMs;
  }

  get holder(): string {
    return this.currentHolder;
  }

  /**
   * The leader's term as the Lease states it, `<leaseTransitions>/<holderIdentity>`, while this
   * replica may act; undefined otherwise. Every write carries it, and the API server's fence
   * (see fence.ts) refuses a write whose term is not the Lease's current one.
   */
  term(): string | undefined {
    return this.isLeader && this.wrote ? leaderTerm(this.wrote) : undefined;
  }

  /** One attempt; true when this process holds the lease afterwards. Never throws. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { clock, identity, store } = this.o;
    const now = clock.now();
    // A leader has what is left of its renew deadline; a candidate one renew deadline.
    const budget = this.leader ? this.lastRenew + this.o.renewDeadlineMs - now : this.o.renewDeadlineMs;
    if (budget <= 0) {
      this.o.logger?.warn('leader election: renew deadline passed; stepping down');
      return this.lost();
    }
    const ac = new AbortController();
    const timer = clock.setTimeout(() => ac.abort(new Error(`lease request outlived the renew deadline (${budget} ms)`)), budget);
    const bounded = <T>(p: Promise<T>): Promise<T> => within(p, ac.signal);
    const fresh = (prev?: LeaseRecord): LeaseRecord => ({
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.o.leaseDurationMs / 1000),
      acquireTime: prev?.holderIdentity === identity ? prev.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (prev?.leaseTransitions ?? 0) + (prev && prev.holderIdentity !== identity ? 1 : 0),
    });
    try {
      const current = await bounded(store.get(ac.signal));
      if (!current) {
        const mine = fresh();
        await bounded(store.create(mine, ac.signal));
        return this.won(now, mine);
      }
      const { record, version } = current;
      const key = `${record.holderIdentity}|${record.renewTime}|${version}`;
      if (this.observed?.key !== key) this.observed = { key, at: now };
      this.seeHolder(record.holderIdentity);
      const heldByOther = record.holderIdentity !== '' && record.holderIdentity !== identity;
      const expired = this.observed.at + record.leaseDurationSeconds * 1000 <= now;
      if (heldByOther && !expired) return this.lost();
      const mine = fresh(record);
      await bounded(store.update(mine, version, ac.signal));
      return this.won(now, mine);
    } catch (err) {
      this.o.logger?.warn(errFields(err), 'leader election: acquire or renew failed');
      // A leader keeps leading through brief API errors, until the renew deadline.
      if (this.leader && clock.now() - this.lastRenew < this.o.renewDeadlineMs && !hasCode(err, 'HW_ERR_LEASE_CONFLICT')) return true;
      return this.lost();
    } finally {
      clock.clearTimeout(timer);
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
      this.o.logger?.warn(errFields(err), 'leader election: release failed');
    }
  }

  private won(now: number, record: LeaseRecord): boolean {
    this.leader = true;
    this.lastRenew = now;
    this.wrote = record;
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

/** Settles with `work`, or rejects when `signal` aborts first (even if `work` never settles). */
function within<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
