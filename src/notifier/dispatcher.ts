import { randomUUID } from 'node:crypto';
import { isHwError } from '../errors.js';
import type { BackoffPolicy } from './backoff.js';
import type { ChannelFactory } from './channels/factory.js';
import { isDeliveryFailure, type SendRequest } from './channels/types.js';
import { Digests } from './digest.js';
import { DisabledTargets } from './disabled.js';
import type { Log } from './log.js';
import type { NotifierMetrics, Outcome } from './metrics.js';
import { targetByName, type RuleDirectory } from './routing.js';
import { transitionLabel } from './plan.js';
import type { TargetRateLimiter } from './ratelimit.js';
import { SilenceCache } from './silences.js';
import { TERMINAL, type AlertRecord, type Delivery, type DeliveryOutcome, type NotifierStore } from '../store/notify/types.js';

export interface DispatcherOptions {
  readonly store: NotifierStore;
  readonly factory: ChannelFactory;
  readonly routes: RuleDirectory;
  readonly metrics: NotifierMetrics;
  readonly backoff: BackoffPolicy;
  /** Stable per instance (pod name): a restarted instance takes its own claims back at once. */
  readonly instance?: string;
  readonly concurrency?: number;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  /** Sends in flight per target; more wait, so one slow receiver cannot occupy every worker. */
  readonly perTargetInFlight?: number;
  readonly slackLimiter: TargetRateLimiter;
  /** Above this many sends a minute on one target, the rest of the minute goes out as one digest (0: never). */
  readonly digestPerMinute: number;
  readonly clock?: () => number;
  readonly log: Log;
}

/**
 * Works the outbox: claim a due delivery, send it, record the outcome. Claims are leases in
 * the store, so replicas share the work and a crashed worker's claims come back. A delivery
 * is final once sent, silenced, digested or dead; until then nothing deletes it.
 */
export class Dispatcher {
  readonly owner: string;
  private readonly o: Required<Omit<DispatcherOptions, 'instance'>>;
  private readonly instance: string | undefined;
  private readonly inFlight = new Map<string, number>();
  private readonly disabled: DisabledTargets;
  private readonly silences: SilenceCache;
  private readonly digests: Digests;
  private readonly abort = new AbortController();
  private readonly waiters = new Set<() => void>();
  private workers: Promise<void>[] = [];
  private stopped = false;

  constructor(o: DispatcherOptions) {
    this.o = { concurrency: 8, leaseMs: 60_000, pollMs: 250, perTargetInFlight: 2, clock: Date.now, ...o };
    this.instance = o.instance;
    this.owner = `${o.instance ?? 'notifier'}:${randomUUID().slice(0, 8)}`;
    this.silences = new SilenceCache(o.store, this.o.clock);
    this.digests = new Digests(o.store, o.digestPerMinute);
    this.disabled = new DisabledTargets(o.store, this.o.clock);
  }

  async start(): Promise<void> {
    if (this.instance) {
      const n = await this.o.store.releaseClaims(`${this.instance}:`);
      if (n > 0) this.o.log('info', 'took back claims of this instance\'s previous run', { deliveries: n });
    }
    for (let i = 0; i < this.o.concurrency; i++) this.workers.push(this.work(i));
  }

  /** New rows were enqueued: wake idle workers now instead of at the next poll. */
  kick(): void {
    for (const w of [...this.waiters]) w();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.kick();
    await Promise.allSettled(this.workers);
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private busyTargets(): string[] {
    return [...this.inFlight].filter(([, n]) => n >= this.o.perTargetInFlight).map(([t]) => t);
  }

  /**
   * Worker 0 polls the outbox; the others sleep until there is work (a kick from the intake or
   * from worker 0), so an idle notifier costs one query per poll, not one per worker.
   */
  private async work(index: number): Promise<void> {
    while (!this.stopped) {
      let d: Delivery | undefined;
      try {
        d = await this.o.store.claim(this.owner, this.o.clock(), this.o.leaseMs, { excludeTargets: this.busyTargets() });
      } catch (err) {
        this.o.metrics.storeErrors.inc({ op: 'claim' });
        this.o.log('warn', 'cannot claim from the outbox; retrying', { error: (err as Error).message });
        await this.idle(this.o.pollMs * 4);
        continue;
      }
      if (!d) {
        await this.idle(index === 0 ? this.o.pollMs : this.o.pollMs * 20);
        continue;
      }
      if (index === 0) this.kick();
      this.inFlight.set(d.target, (this.inFlight.get(d.target) ?? 0) + 1);
      try {
        await this.process(d);
      } catch (err) {
        // The claim lapses and another attempt follows; nothing is lost.
        this.o.metrics.storeErrors.inc({ op: 'finish' });
        this.o.log('warn', 'delivery bookkeeping failed; it will be retried', { delivery: d.id, error: (err as Error).message });
      } finally {
        const n = (this.inFlight.get(d.target) ?? 1) - 1;
        if (n <= 0) this.inFlight.delete(d.target);
        else this.inFlight.set(d.target, n);
      }
    }
  }

  private async finish(d: Delivery, outcome: DeliveryOutcome, metric?: Outcome): Promise<void> {
    const ok = await this.o.store.finish(d.id, this.owner, outcome);
    if (!ok) this.o.log('warn', 'lost the claim before finishing (lease expired); the other owner decides', { delivery: d.id });
    else if (metric) this.o.metrics.notifications.inc({ channel: d.channel, outcome: metric });
  }

  private async process(d: Delivery): Promise<void> {
    const now = this.o.clock();
    if (d.digest === d.id) return this.sendDigest(d);
    let parent: Delivery | undefined;
    if (d.after) {
      parent = await this.o.store.delivery(d.after);
      if (parent && !TERMINAL.has(parent.status)) {
        // The firing goes first; come back after it without spending an attempt.
        return this.finish(d, { status: 'pending', nextAt: Math.max(now + 4 * this.o.pollMs, parent.nextAt + this.o.pollMs), attempted: false });
      }
    }
    const alert = await this.o.store.alert(d.alertId);
    const transition = alert?.transitions.find((t) => transitionLabel(t) === d.transition);
    if (!alert || !transition) return this.finish(d, { status: 'dead', lastError: 'the alert is no longer stored (retention)' }, 'dead');

    const silence = await this.silences.matching(alert, d.state);
    if (silence) return this.finish(d, { status: 'silenced', lastError: `${silence.kind} ${silence.id}${silence.by ? ` by ${silence.by}` : ''}` }, 'silenced');
    if (parent?.status === 'digested' || (d.state !== 'resolved' && this.digests.over(d.target, now))) {
      const digest = await this.digests.add(d, now);
      return this.finish(d, { status: 'digested', digest }, 'digested');
    }
    this.digests.count(d.target, now);
    await this.send(d, { delivery: d, alert, transition, ...(parent && parent.status === 'sent' ? { parent } : {}), signal: this.abort.signal });
  }

  private async sendDigest(d: Delivery): Promise<void> {
    const rows = await this.o.store.digested(d.id);
    const list: { delivery: Delivery; alert: AlertRecord | undefined }[] = [];
    for (const r of rows) list.push({ delivery: r, alert: await this.o.store.alert(r.alertId) });
    const first = list.find((x) => x.alert);
    if (!first?.alert) return this.finish(d, { status: 'dead', lastError: 'nothing left to summarise' }, 'dead');
    await this.send(d, { delivery: d, alert: first.alert, transition: first.alert.transitions[0]!, digest: list, signal: this.abort.signal });
  }

  private async send(d: Delivery, req: SendRequest): Promise<void> {
    const route = this.o.routes.lookup(d.ruleUid, d.rule);
    const target = route ? targetByName(route, d.target) : undefined;
    if (!target) return this.finish(d, { status: 'dead', lastError: 'the rule no longer has this channel' }, 'dead');
    let channel;
    try {
      channel = await this.o.factory.get(target);
    } catch (err) {
      const msg = isHwError(err) ? err.message : `cannot set up the channel: ${(err as Error).message}`;
      // A missing Secret may appear (someone creates it): retry on the normal schedule first.
      return this.failed(d, isHwError(err) && err.code === 'HW_ERR_SECRET' ? 'retry' : 'permanent', msg);
    }
    const gone = await this.disabled.reason(d.target, this.o.factory.endpointOf(d.target));
    if (gone) return this.finish(d, { status: 'dead', lastError: gone }, 'dead');
    if (d.channel === 'slack') {
      const wait = this.o.slackLimiter.reserve(d.target, this.o.clock());
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const started = this.o.clock();
    try {
      const result = await channel.send(req);
      const sentAt = this.o.clock();
      await this.finish(d, { status: 'sent', sentAt, latencyMs: sentAt - d.createdAt, ...(result.response ? { response: result.response } : {}) }, 'sent');
      this.o.metrics.unconfirmedSeconds.observe({ channel: d.channel }, (this.o.clock() - sentAt) / 1000);
      this.o.metrics.deliverySeconds.observe({ channel: d.channel }, (sentAt - d.createdAt) / 1000);
    } catch (err) {
      if (this.stopped) return; // shutting down: the claim is released by the lease or the next start
      if (isDeliveryFailure(err)) return this.failed(d, err.kind, err.message, err.retryAfterMs);
      return this.failed(d, 'retry', `${(err as Error).message} (after ${this.o.clock() - started} ms)`);
    }
  }

  private async failed(d: Delivery, kind: 'retry' | 'permanent' | 'disable', message: string, retryAfterMs?: number): Promise<void> {
    if (kind === 'disable') {
      await this.disabled.disable(d.target, this.o.factory.endpointOf(d.target), message);
      this.o.log('warn', 'endpoint disabled', { target: d.target, error: message });
      return this.finish(d, { status: 'dead', lastError: message }, 'disabled');
    }
    const delay = kind === 'retry' ? this.o.backoff.delay(d.channel, d.attempts + 1, retryAfterMs) : undefined;
    if (delay === undefined) {
      this.o.log('warn', 'delivery is a dead letter', { delivery: d.id, attempts: d.attempts + 1, error: message });
      return this.finish(d, { status: 'dead', lastError: message }, 'dead');
    }
    return this.finish(d, { status: 'pending', nextAt: this.o.clock() + delay, lastError: message }, 'retry');
  }
}
