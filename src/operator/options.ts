/**
 * How detector children are rendered. The Helm chart writes these into the operator's
 * config file (see cmd/commands/operator.ts); tests and golden files pass them directly.
 */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: Record<string, unknown>;
}

export interface ResourceList {
  cpu?: string;
  memory?: string;
}

export interface RenderOptions {
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** Partitions of a topic not listed in topicPartitions. */
  partitions: number;
  topicPartitions: Record<string, number>;
  /** Topic a rule reads when its spec names none. */
  defaultTopic: string;
  resources: { requests?: ResourceList; limits?: ResourceList };
  /** Extra detector environment: Kafka brokers, credentials (as secretKeyRef), log level. */
  env: EnvVar[];
  serviceAccountName: string;
  nodeSelector: Record<string, string>;
  tolerations: Record<string, unknown>[];
  metricsPort: number;
  progressDeadlineSeconds: number;
  /** app.kubernetes.io/version on children. */
  version: string;
  /** Detectors re-read the mounted rule file, so only state-shaping edits roll the pods. */
  hotReload: boolean;
}

export const DEFAULT_RENDER_OPTIONS: RenderOptions = {
  image: 'ghcr.io/herdwatch/herdwatch:0.1.0',
  imagePullPolicy: 'IfNotPresent',
  partitions: 6,
  topicPartitions: {},
  defaultTopic: 'herdwatch.events',
  resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
  env: [],
  serviceAccountName: 'default',
  nodeSelector: {},
  tolerations: [],
  metricsPort: 9464,
  progressDeadlineSeconds: 120,
  version: '0.1.0',
  hotReload: false,
};

export function renderOptions(overrides: Partial<RenderOptions> = {}): RenderOptions {
  return { ...DEFAULT_RENDER_OPTIONS, ...overrides };
}
