import type { HerdRule } from '../rules/schema.js';
import { sleep, systemClock, type Clock } from './clock.js';
import { Informer, objectKey, type KubeObject, type WatchFn } from './informer.js';
import { RESOURCES, type KubeRequester } from './kube.js';
import type { OperatorMetrics, ReconcileResult } from './metrics.js';
import { LABELS, MANAGED_BY } from './names.js';
import type { RenderOptions } from './options.js';
import { WorkQueue } from './queue.js';
import { Reconciler } from './reconcile.js';
import type { EventRecorder } from './recorder.js';
import type { RetireTrends } from './finalizer.js';
import { errFields, silentLogger, type Logger } from '../log/logger.js';

export interface ControllerOptions {
  kube: KubeRequester;
  watch: WatchFn;
  render: RenderOptions;
  recorder: EventRecorder;
  metrics: OperatorMetrics;
  /** Watch these namespaces only (one list/watch each); all namespaces when empty or absent. */
  namespaces?: readonly string[] | undefined;
  workers?: number;
  /** Every rule is reconciled again this often, to repair drift nobody told us about. */
  resyncMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Retires a deleted rule's trending snapshots (see finalizer.ts). */
  retireTrends?: RetireTrends;
}

type RuleObject = HerdRule & KubeObject;

/**
 * Informers for HerdRules and the Deployments the operator owns feed one work queue of rule
 * keys; workers reconcile each key, one worker per key at a time, retrying with backoff.
 */
export class Controller {
  private readonly ruleInformers: Informer<RuleObject>[];
  private readonly deploymentInformers: Informer<KubeObject>[];
  readonly queue: WorkQueue;
  private readonly reconciler: Reconciler;
  private readonly clock: Clock;
  private readonly stopping = new AbortController();
  private workers: Promise<void>[] = [];
  private resyncTimer: unknown;

  private readonly log: Logger;

  constructor(private readonly o: ControllerOptions) {
    const logger = o.logger ?? silentLogger;
    this.log = logger.child({ component: 'controller' });
    this.clock = o.clock ?? systemClock;
    this.queue = new WorkQueue({ clock: this.clock });
    this.reconciler = new Reconciler({ kube: o.kube, render: o.render, recorder: o.recorder, now: () => this.clock.now(), logger: logger.child({ component: 'reconciler' }),
      ...(o.retireTrends ? { retireTrends: o.retireTrends } : {}) });
    const scopes: (string | undefined)[] = o.namespaces?.length ? [...o.namespaces] : [undefined];
    const common = { kube: o.kube, watch: o.watch, clock: this.clock, logger: logger.child({ component: 'informer' }) };
    this.ruleInformers = scopes.map((namespace) => new Informer<RuleObject>({
      ...common,
      namespace,
      resource: RESOURCES.herdRules,
      onWatchStart: () => o.metrics.watchRestarts.inc({ resource: 'herdrules' }),
      handler: (_type, rule) => this.enqueue(objectKey(rule)),
    }));
    this.deploymentInformers = scopes.map((namespace) => new Informer<KubeObject>({
      ...common,
      namespace,
      resource: RESOURCES.deployments,
      onWatchStart: () => o.metrics.watchRestarts.inc({ resource: 'deployments' }),
      labelSelector: `${LABELS.managedBy}=${MANAGED_BY},${LABELS.component}=detector`,
      handler: (_type, d) => {
        const owner = d.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'HerdRule');
        if (owner) this.enqueue(`${d.metadata.namespace ?? ''}/${owner.name}`);
      },
    }));
  }

  private get informers(): { hasSynced: boolean; start(): void; stop(): Promise<void> }[] {
    return [...this.ruleInformers, ...this.deploymentInformers];
  }

  /** The cached rule for a key, from whichever namespace's informer holds it. */
  rule(key: string): RuleObject | undefined {
    for (const inf of this.ruleInformers) {
      const r = inf.cache.get(key);
      if (r) return r;
    }
    return undefined;
  }

  get ruleKeys(): string[] {
    return this.ruleInformers.flatMap((inf) => [...inf.cache.keys()]);
  }

  get synced(): boolean {
    return this.informers.every((inf) => inf.hasSynced);
  }

  async start(): Promise<void> {
    for (const inf of this.informers) inf.start();
    while (!this.synced && !this.stopping.signal.aborted) await sleep(this.clock, 50, this.stopping.signal);
    if (this.stopping.signal.aborted) return;
    this.log.info({ rules: this.ruleKeys.length }, `caches synced: ${this.ruleKeys.length} rules`);
    for (let i = 0; i < (this.o.workers ?? 2); i++) this.workers.push(this.work());
    this.scheduleResync();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.clock.clearTimeout(this.resyncTimer);
    this.queue.shutdown();
    await Promise.all(this.informers.map((inf) => inf.stop()));
    await Promise.all(this.workers);
  }

  private enqueue(key: string): void {
    this.queue.add(key);
    this.o.metrics.queueDepth.set(this.queue.length);
  }

  private scheduleResync(): void {
    this.resyncTimer = this.clock.setTimeout(() => {
      for (const key of this.ruleKeys) this.enqueue(key);
      this.scheduleResync();
    }, this.o.resyncMs ?? 300_000);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      this.o.metrics.queueDepth.set(this.queue.length);
      const started = performance.now();
      let result: ReconcileResult = 'success';
      try {
        const rule = this.rule(key);
        if (rule) {
          const r = await this.reconciler.reconcile(rule);
          if (r.outcome === 'invalid') result = 'invalid';
          // Our own status write comes back as a watch event; keep the cache ahead of it so
          // a reconcile in between does not see the old status and write (and announce) it twice.
          const cache = this.ruleInformers.find((inf) => inf.cache.get(key) === rule)?.cache;
          if (r.updated && cache) cache.set(key, { ...r.updated, apiVersion: rule.apiVersion, kind: rule.kind } as RuleObject);
        }
        this.queue.forget(key);
      } catch (err) {
        result = 'error';
        this.o.metrics.errors.inc();
        const delay = this.queue.addRateLimited(key);
        this.log.warn({ rule: key, retryInMs: delay, ...errFields(err) }, `reconcile ${key} failed (retry in ${delay} ms)`);
      } finally {
        this.queue.done(key);
        this.o.metrics.operations.inc({ result });
        this.o.metrics.duration.observe({ result }, (performance.now() - started) / 1000);
      }
    }
  }
}
