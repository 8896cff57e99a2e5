import { windowOf } from '../rules/compile.js';
import type { HerdRule } from '../rules/schema.js';
import { ANNOTATIONS, canonicalJson, configMapName, deploymentName, sha256, sortKeys } from './names.js';
import type { RenderOptions } from './options.js';
import { childLabels, ownerReference, selectorLabels, type OwnedObjectMeta } from './owner.js';
import { RULE_FILE } from './configmap.js';

export const RULE_MOUNT = '/etc/herdwatch/rule';

/**
 * The pod-template annotation changes, and the pods roll, exactly when running detectors
 * must restart to apply an edit. Scaling (parallelism, paused) and the description never
 * roll. With `hotReload` (detectors that re-read the mounted rule file) only the fields that
 * change what state a detector keeps or where it reads from roll the pods; without it, every
 * other spec edit does, so an edit always takes effect.
 */
export function restartRelevant(rule: HerdRule, opts: RenderOptions): unknown {
  const { parallelism: _p, paused: _z, description: _d, ...spec } = rule.spec;
  const topic = spec.source.topic ?? opts.defaultTopic;
  if (!opts.hotReload) return { uid: rule.metadata.uid, ...spec, source: { ...spec.source, topic } };
  return {
    uid: rule.metadata.uid,
    topic,
    key: spec.key,
    type: spec.detector.type,
    window: windowOf(spec.detector.window, spec.detector.bucket),
    bucket: spec.detector.bucket,
    baselineHalfLife: spec.detector.baselineHalfLife,
  };
}

export function partitionsOf(topic: string, opts: RenderOptions): number {
  return opts.topicPartitions[topic] ?? opts.partitions;
}

/** parallelism, at most the topic's partitions (more consumers than partitions sit idle); 0 when paused. */
export function desiredReplicas(rule: HerdRule, opts: RenderOptions): number {
  if (rule.spec.paused) return 0;
  const partitions = partitionsOf(rule.spec.source.topic ?? opts.defaultTopic, opts);
  return Math.max(1, Math.min(rule.spec.parallelism, partitions));
}

export interface RenderedDeployment {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: OwnedObjectMeta;
  spec: Record<string, unknown>;
}

/** Pure: the Deployment `<rule>-detector` running `herdwatch detector` for the rule. */
export function deploymentForRule(rule: HerdRule, opts: RenderOptions): RenderedDeployment {
  const ns = rule.metadata.namespace ?? 'default';
  const labels = childLabels(rule, 'detector', opts);
  const probe = (path: string, period: number, failures: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds: period,
    failureThreshold: failures,
    timeoutSeconds: 2,
  });
  const container = {
    name: 'detector',
    image: opts.image,
    imagePullPolicy: opts.imagePullPolicy,
    args: ['detector', '--rule', `${ns}/${rule.metadata.name}`, '--rule-file', `${RULE_MOUNT}/${RULE_FILE}`, '--port', String(opts.metricsPort)],
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      ...opts.env,
    ],
    ports: [{ name: 'http', containerPort: opts.metricsPort, protocol: 'TCP' }],
    readinessProbe: probe('/readyz', 5, 3),
    livenessProbe: probe('/healthz', 10, 6),
    resources: opts.resources,
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [
      { name: 'rule', mountPath: RULE_MOUNT, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
  const spec = {
    replicas: desiredReplicas(rule, opts),
    revisionHistoryLimit: 3,
    progressDeadlineSeconds: opts.progressDeadlineSeconds,
    selector: { matchLabels: selectorLabels(rule) },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: {
      metadata: {
        labels,
        annotations: { [ANNOTATIONS.restartHash]: sha256(canonicalJson(restartRelevant(rule, opts))).slice(0, 16) },
      },
      spec: {
        serviceAccountName: opts.serviceAccountName,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: 30,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 10001,
          runAsGroup: 10001,
          fsGroup: 10001,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        ...(Object.keys(opts.nodeSelector).length ? { nodeSelector: opts.nodeSelector } : {}),
        ...(opts.tolerations.length ? { tolerations: opts.tolerations } : {}),
        containers: [container],
        volumes: [
          { name: 'rule', configMap: { name: configMapName(rule.metadata.name) } },
          { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
        ],
      },
    },
  };
  return sortKeys({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: deploymentName(rule.metadata.name),
      namespace: ns,
      labels,
      annotations: { [ANNOTATIONS.ruleGeneration]: String(rule.metadata.generation ?? 0) },
      ownerReferences: [ownerReference(rule)],
    },
    spec,
  }) as RenderedDeployment;
}
