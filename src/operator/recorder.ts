import { randomBytes } from 'node:crypto';
import { API_GROUP, API_VERSION, KIND, type HerdRule } from '../rules/schema.js';
import { collectionPath, RESOURCES, type KubeRequester } from './kube.js';
import { errFields, silentLogger, type Logger } from '../log/logger.js';

export interface EventRecorder {
  record(rule: HerdRule, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

/**
 * Core v1 Events on the HerdRule (what `kubectl describe herdrule` shows). Failures are
 * logged, never fatal: an event is a courtesy, the status is the truth.
 */
export class KubeEventRecorder implements EventRecorder {
  constructor(
    private readonly kube: KubeRequester,
    private readonly component: string,
    private readonly instance: string,
    private readonly now: () => number = Date.now,
    private readonly log: Logger = silentLogger,
  ) {}

  async record(rule: HerdRule, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const ns = rule.metadata.namespace ?? 'default';
    const ts = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${rule.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns },
      involvedObject: { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: KIND, name: rule.metadata.name, namespace: ns, uid: rule.metadata.uid, resourceVersion: rule.metadata.resourceVersion },
      type,
      reason,
      message: message.slice(0, 1024),
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.instance,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
    };
    try {
      await this.kube.request('POST', collectionPath(RESOURCES.events, ns), { body });
    } catch (err) {
      this.log.warn({ rule: `${ns}/${rule.metadata.name}`, reason, ...errFields(err) }, `event ${reason} for ${ns}/${rule.metadata.name} not recorded`);
    }
  }
}
