import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { systemClock, type Clock } from './clock.js';
import { Controller } from './controller.js';
import { libraryWatch, type WatchFn } from './informer.js';
import { KubeClient, type KubeRequester } from './kube.js';
import type { RetireTrends } from './finalizer.js';
import { leaderOnly } from './fence.js';
import { LeaderElector } from './leader.js';
import { KubeLeaseStore } from './leasestore.js';
import { OperatorMetrics } from './metrics.js';
import type { RenderOptions } from './options.js';
import { KubeEventRecorder } from './recorder.js';
import { startProbeServer } from '../health/server.js';
import { errFields, fallbackLogger, type Logger } from '../log/logger.js';
import { LOST_LEASE_GRACE_MS, settleWithin } from './step-down.js';

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  render: RenderOptions;
  /** Watch these namespaces; all when empty (the chart's default, with a ClusterRole). */
  namespaces?: readonly string[] | undefined;
  leaderElection: boolean;
  leaseNamespace: string;
  leaseName: string;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Port for /healthz, /readyz, /metrics; 0 picks a free one. */
  port: number;
  host?: string;
  workers?: number;
  metrics?: OperatorMetrics;
  clock?: Clock;
  /** The process logger; each part logs through a child (component operator, controller, leader, ...). */
  logger?: Logger;
  /** Retires a deleted rule's trending snapshots on Kafka; rules get the finalizer only when set. */
  retireTrends?: RetireTrends;
  /** Replaces the library's Watch (tests). */
  watch?: WatchFn;
  kube?: KubeRequester;
}

export interface RunningOperator {
  /** Port the health server listens on. */
  readonly port: number;
  readonly metrics: OperatorMetrics;
  isLeader(): boolean;
  /** Resolves with the exit code: 0 after stop(), 1 when leadership was lost. */
  readonly done: Promise<number>;
  /** Graceful stop: stop watches and workers, release the lease, close the server. */
  stop(): Promise<number>;
}

/**
 * The operator process: health server first (so probes answer while campaigning), then
 * leader election, then the controller once elected. Losing the lease ends the run with
 * exit code 1, so Kubernetes restarts a clean follower instead of a split-brain leader.
 */
export async function startOperator(o: OperatorOptions): Promise<RunningOperator> {
  const logger = o.logger ?? fallbackLogger();
  const log = logger.child({ component: 'operator' });
  const clock = o.clock ?? systemClock;
  const identity = o.identity ?? `${hostname()}_${process.pid}`;
  const kube = o.kube ?? new KubeClient(o.kubeConfig, { userAgent: `herdwatch-operator/${identity}` });
  const metrics = o.metrics ?? new OperatorMetrics(undefined, { defaultMetrics: true });
  const elector = o.leaderElection
    ? new LeaderElector({
        identity, clock, store: new KubeLeaseStore(kube, o.leaseNamespace, o.leaseName), logger: logger.child({ component: 'leader' }),
        ...(o.leaseDurationMs ? { leaseDurationMs: o.leaseDurationMs } : {}),
        ...(o.renewDeadlineMs ? { renewDeadlineMs: o.renewDeadlineMs } : {}),
        ...(o.retryPeriodMs ? { retryPeriodMs: o.retryPeriodMs } : {}),
        onNewLeader: (who) => log.info({ leader: who }, `leader is ${who}${who === identity ? ' (this replica)' : ''}`),
      })
    : undefined;
  // Every write of the controller (and its Events) goes through the lease's deadline.
  const acting = elector ? leaderOnly(kube, elector) : kube;
  const controller = new Controller({
    kube: acting, watch: o.watch ?? libraryWatch(o.kubeConfig), render: o.render, metrics, namespaces: o.namespaces, clock, logger,
    recorder: new KubeEventRecorder(acting, 'herdwatch-operator', identity, () => clock.now(), logger.child({ component: 'recorder' })),
    ...(o.workers ? { workers: o.workers } : {}),
    ...(o.retireTrends ? { retireTrends: o.retireTrends } : {}),
  });
  let leading = false;
  const server = await startProbeServer({
    // A leader stuck past its renew deadline is restarted rather than left half-leading.
    live: () => elector?.live() ?? true,
    // A follower is ready (it is healthy and waiting); a leader once its caches are synced.
    ready: () => ({ ready: !leading || controller.synced, reason: 'caches not synced yet' }),
  }, metrics.registry, { host: o.host ?? '0.0.0.0', port: o.port });
  const stopSignal = new AbortController();
  const startLeading = () => {
    leading = true;
    metrics.leader.set(1);
    log.info({ identity }, `${identity} started leading`);
    void controller.start();
  };
  const done = (async () => {
    let stoppedBySignal = true;
    if (elector) stoppedBySignal = await elector.run(stopSignal.signal, startLeading);
    else startLeading();
    if (!elector) await new Promise<void>((r) => stopSignal.signal.addEventListener('abort', () => r(), { once: true }));
    leading = false;
    metrics.leader.set(0);
    if (!stoppedBySignal) log.warn({ identity }, `${identity} lost the leader lease; exiting`);
    // Deposed, the replica must go even if a step hangs (a write frozen mid-send, a dead watch).
    const step = (what: string, p: Promise<unknown>) => stoppedBySignal ? p : settleWithin(p, LOST_LEASE_GRACE_MS, clock, (err) =>
      log.warn({ identity, step: what, ...(err === undefined ? {} : errFields(err)) }, `${what} did not finish within ${LOST_LEASE_GRACE_MS} ms of losing the lease; exiting anyway`));
    await step('stopping the controller', controller.stop());
    await step('releasing the lease', elector?.release() ?? Promise.resolve());
    await step('closing the probe server', server.close());
    return stoppedBySignal ? 0 : 1;
  })();
  return {
    port: server.port,
    metrics,
    isLeader: () => leading,
    done,
    stop: async () => {
      stopSignal.abort();
      return done;
    },
  };
}
