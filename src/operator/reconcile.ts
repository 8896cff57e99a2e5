import type { HerdRule, HerdRuleStatus } from '../rules/schema.js';
import { configMapForRule } from './configmap.js';
import { deploymentForRule, partitionsOf } from './deployment.js';
import { hasFinalizer, setFinalizer, type RetireTrends } from './finalizer.js';
import { isStatus, objectPath, RESOURCES, serverSideApply, type KubeRequester } from './kube.js';
import { FIELD_MANAGER } from './names.js';
import type { RenderOptions } from './options.js';
import type { EventRecorder } from './recorder.js';
import { checkSpec } from './spec.js';
import { CONDITION, REASON, computeStatus, statusChanged, transitions, type DeploymentView } from './status.js';
import type { Logger } from '../log/logger.js';

export interface ReconcilerDeps {
  kube: KubeRequester;
  render: RenderOptions;
  recorder: EventRecorder;
  now: () => number;
  logger?: Logger;
  /** Retires a deleted rule's trending snapshots; without it, rules get no finalizer (no Kafka configured). */
  retireTrends?: RetireTrends;
}

export type Outcome = 'applied' | 'invalid' | 'deleting';

/** How long a deletion may wait for Kafka to take the rule's tombstones before the rule goes anyway. */
export const RETIRE_GRACE_MS = 120_000;

/**
 * Brings one rule's children to what its spec says and writes what it observed to status.
 * Idempotent: it renders, applies with server-side apply (unchanged objects are no-ops on
 * the server), and patches status only when it changed. Throws to be retried with backoff.
 */
export class Reconciler {
  constructor(private readonly d: ReconcilerDeps) {}

  async reconcile(rule: HerdRule & { metadata: { deletionTimestamp?: string } }): Promise<{ outcome: Outcome; status?: HerdRuleStatus; updated?: HerdRule }> {
    // Children carry owner references; the garbage collector removes them after the rule.
    // Its trending snapshots are the operator's to retire, before the finalizer lets it go.
    if (rule.metadata.deletionTimestamp) {
      if (hasFinalizer(rule)) await this.retire(rule, rule.metadata.deletionTimestamp);
      return { outcome: 'deleting' };
    }
    if (this.d.retireTrends && !hasFinalizer(rule)) await setFinalizer(this.d.kube, rule, true);
    const checked = checkSpec(rule.spec);
    if ('invalid' in checked) {
      // Detectors keep running the last valid version; only the status says what is wrong.
      const updated = await this.writeStatus(rule, computeStatus(rule, undefined, new Date(this.d.now()), { invalid: checked.invalid }));
      return { outcome: 'invalid', ...(updated ? { updated } : {}) };
    }
    const valid: HerdRule = { ...rule, spec: checked.spec };
    let deployment: DeploymentView;
    try {
      await serverSideApply(this.d.kube, configMapForRule(valid, this.d.render), FIELD_MANAGER);
      deployment = await serverSideApply(this.d.kube, deploymentForRule(valid, this.d.render), FIELD_MANAGER) as DeploymentView;
    } catch (err) {
      if (isStatus(err, 404) || isStatus(err, 409)) throw err; // namespace terminating or a race: retry
      await this.writeStatus(rule, computeStatus(rule, undefined, new Date(this.d.now()), { applyError: (err as Error).message }));
      throw err;
    }
    const status = computeStatus(rule, deployment, new Date(this.d.now()));
    const updated = await this.writeStatus(rule, status);
    return { outcome: 'applied', status, ...(updated ? { updated } : {}) };
  }

  /**
   * Retires a deleted rule's trending snapshots, then lets the rule go. Failures are retried
   * (the queue backs off), but never hold a deletion for more than RETIRE_GRACE_MS: then the
   * rule goes anyway, with a Warning saying its snapshots may linger.
   */
  private async retire(rule: HerdRule, deletedAt: string): Promise<void> {
    const ns = rule.metadata.namespace ?? 'default';
    const id = `${ns}/${rule.metadata.name}`;
    if (this.d.retireTrends) {
      try {
        await this.d.retireTrends({ rule: id, partitions: partitionsOf(rule.spec.source?.topic ?? this.d.render.defaultTopic, this.d.render) });
        this.d.logger?.info({ rule: id }, `${id}: deleted; its trending snapshots are retired`);
      } catch (err) {
        if (this.d.now() - Date.parse(deletedAt) < RETIRE_GRACE_MS) throw err;
        this.d.logger?.warn({ rule: id, err: (err as Error).message }, `${id}: cannot retire its trending snapshots; letting the rule go anyway`);
        await this.d.recorder.record(rule, 'Warning', 'TrendsNotRetired', `trending snapshots may stay on the trends topic: ${(err as Error).message}`);
      }
    }
    await setFinalizer(this.d.kube, rule, false);
  }

  /** Patches status through the subresource when it changed, and records transition events. */
  private async writeStatus(rule: HerdRule, status: HerdRuleStatus): Promise<HerdRule | undefined> {
    if (!statusChanged(rule.status, status)) return undefined;
    const ns = rule.metadata.namespace ?? 'default';
    let updated: HerdRule;
    try {
      updated = await this.d.kube.request<HerdRule>('PATCH', objectPath(RESOURCES.herdRules, ns, rule.metadata.name, 'status'), {
        body: { status },
        contentType: 'application/merge-patch+json',
      });
    } catch (err) {
      if (isStatus(err, 404)) return undefined; // deleted meanwhile
      throw err;
    }
    // One event per change: a newly Degraded rule says why; otherwise the Ready flip.
    const changed = transitions(rule.status, status);
    const c = changed.find((t) => t.type === CONDITION.degraded) ?? changed[0];
    if (c) {
      const bad = c.type === CONDITION.degraded || c.reason === REASON.invalidSpec || c.reason === REASON.deploymentUnavailable;
      await this.d.recorder.record(rule, bad ? 'Warning' : 'Normal', c.reason, `${c.type}=${c.status}: ${c.message}`);
    }
    this.d.logger?.info({ rule: `${ns}/${rule.metadata.name}` }, `${ns}/${rule.metadata.name}: ${status.conditions?.map((c) => `${c.type}=${c.status} (${c.reason})`).join(', ')}`);
    return updated;
  }
}
