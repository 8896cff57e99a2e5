/**
 * Shared helpers for the operator's integration tests: the CRD, rule objects, a client, polling,
 * and an in-process operator started the way `herdwatch operator` starts it.
 */
import { join, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, isStatus, objectPath, collectionPath, RESOURCES, type KubeRequester } from '../../src/operator/kube.js';
import { OperatorMetrics } from '../../src/operator/metrics.js';
import { renderOptions, type RenderOptions } from '../../src/operator/options.js';
import { startOperator, type RunningOperator } from '../../src/operator/run.js';
import type { HerdRuleStatus } from '../../src/rules/schema.js';
import { kubectl, loadKubeConfig, waitCrdEstablished } from './cluster.js';
import { createLogger } from '../../src/log/logger.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CRD_FILE = join(ROOT, 'charts', 'herdwatch', 'crds', 'herdrules.herdwatch.io.yaml');

export type Json = Record<string, unknown>;

export interface RuleObject {
  metadata: { name: string; namespace: string; uid: string; generation: number; resourceVersion: string };
  spec: Json;
  status?: HerdRuleStatus;
}

export interface DeploymentObject {
  metadata: { name: string; uid: string; resourceVersion: string; labels: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Json[]; managedFields?: { manager: string; operation: string }[] };
  spec: { replicas: number; template: { metadata: { annotations: Record<string, string> }; spec: { containers: { args: string[]; image: string }[]; nodeSelector?: Record<string, string> } } };
  status?: { readyReplicas?: number; replicas?: number };
}

export async function ensureCrd(): Promise<void> {
  const applied = await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=herdwatch-test', '-f', CRD_FILE]);
  if (applied.code !== 0) throw new Error(`the API server rejected the CRD:\n${applied.stderr}`);
  await waitCrdEstablished('herdrules.herdwatch.io');
}

export function herdRule(name: string, spec: Json = {}): Json {
  return {
    apiVersion: 'herdwatch.io/v1alpha1',
    kind: 'HerdRule',
    metadata: { name },
    spec: {
      source: { eventTypes: ['view', 'add_to_cart'] },
      key: 'productId',
      detector: { type: 'surge', window: '5m', bucket: '10s', minLift: 3 },
      severity: 'warning',
      parallelism: 2,
      ...spec,
    },
  };
}

/** Thin typed calls on the real API server. */
export class TestApi {
  readonly kube: KubeClient;
  constructor(readonly kc: KubeConfig = loadKubeConfig()) {
    this.kube = new KubeClient(kc);
  }

  createRule(ns: string, rule: Json): Promise<RuleObject> {
    return this.kube.request('POST', collectionPath(RESOURCES.herdRules, ns), { body: rule });
  }

  patchRule(ns: string, name: string, patch: Json): Promise<RuleObject> {
    return this.kube.request('PATCH', objectPath(RESOURCES.herdRules, ns, name), { body: patch, contentType: 'application/merge-patch+json' });
  }

  async deleteRule(ns: string, name: string): Promise<void> {
    await this.kube.request('DELETE', objectPath(RESOURCES.herdRules, ns, name), { body: { propagationPolicy: 'Background' } });
  }

  rule(ns: string, name: string): Promise<RuleObject | undefined> {
    return this.getOrUndefined(objectPath(RESOURCES.herdRules, ns, name));
  }

  deployment(ns: string, name: string): Promise<DeploymentObject | undefined> {
    return this.getOrUndefined(objectPath(RESOURCES.deployments, ns, `${name}-detector`));
  }

  configMap(ns: string, name: string): Promise<{ metadata: { ownerReferences?: Json[]; annotations?: Record<string, string> }; data: Record<string, string> } | undefined> {
    return this.getOrUndefined(objectPath(RESOURCES.configMaps, ns, `${name}-rule`));
  }

  async list(ns: string, what: 'deployments' | 'configMaps', selector = 'app.kubernetes.io/managed-by=herdwatch-operator'): Promise<{ metadata: { name: string } }[]> {
    const r = await this.kube.request<{ items: { metadata: { name: string } }[] }>('GET', collectionPath(RESOURCES[what], ns), { query: { labelSelector: selector } });
    return r.items;
  }

  async events(ns: string, rule: string): Promise<{ reason: string; type: string; message: string }[]> {
    const r = await this.kube.request<{ items: { reason: string; type: string; message: string }[] }>('GET', collectionPath(RESOURCES.events, ns), {
      query: { fieldSelector: `involvedObject.kind=HerdRule,involvedObject.name=${rule}` },
    });
    return r.items;
  }

  private async getOrUndefined<T>(path: string): Promise<T | undefined> {
    try {
      return await this.kube.request<T>('GET', path);
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }
}

/** Polls until `fn` returns something truthy; fails with the last value seen, so a timeout explains itself. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const condition = (rule: RuleObject | undefined, type: string) => rule?.status?.conditions?.find((c) => c.type === type);

export const TEST_RENDER: RenderOptions = renderOptions({
  image: 'herdwatch:test',
  partitions: 4,
  topicPartitions: { 'shop.clicks': 1 },
  progressDeadlineSeconds: 30,
  env: [{ name: 'HERDWATCH_KAFKA_BROKERS', value: 'kafka.invalid:9092' }],
});

export interface TestOperatorOptions {
  namespaces: string[];
  leaseNamespace: string;
  leaseName: string;
  identity: string;
  kc?: KubeConfig;
  render?: Partial<RenderOptions>;
  /** Replaces the operator's API client (tests that interfere with its requests). */
  kube?: KubeRequester;
}

/** An operator in this process, as `herdwatch operator` runs it, with short leader-election timings. */
export function startTestOperator(o: TestOperatorOptions): Promise<RunningOperator> {
  const logs: string[] = [];
  return startOperator({
    kubeConfig: o.kc ?? loadKubeConfig(),
    render: { ...TEST_RENDER, ...o.render },
    namespaces: o.namespaces,
    leaderElection: true,
    leaseNamespace: o.leaseNamespace,
    leaseName: o.leaseName,
    identity: o.identity,
    // Short enough for fast fail-over tests, long enough that a loaded machine's pauses do not
    // make a healthy leader miss its renew deadline.
    leaseDurationMs: 8_000,
    renewDeadlineMs: 6_000,
    retryPeriodMs: 500,
    port: 0,
    host: '127.0.0.1',
    metrics: new OperatorMetrics(),
    ...(o.kube ? { kube: o.kube } : {}),
    logger: createLogger({ level: 'info', format: 'json', base: { identity: o.identity } }, {
      write: (line: string) => {
        logs.push(line);
        if (process.env.HW_TEST_VERBOSE) process.stdout.write(line);
      },
    }),
  });
}
