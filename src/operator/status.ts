import { sortKeys } from './names.js';
import type { HerdRule, HerdRuleStatus } from '../rules/schema.js';

/** Condition types on HerdRule status. */
export const CONDITION = { ready: 'Ready', degraded: 'Degraded' } as const;

/** Every reason the operator writes; `kubectl get herdrule -o yaml` shows them. */
export const REASON = {
  detectorsAvailable: 'DetectorsAvailable',
  detectorsProgressing: 'DetectorsProgressing',
  deploymentUnavailable: 'DeploymentUnavailable',
  replicaFailure: 'DeploymentReplicaFailure',
  progressDeadlineExceeded: 'ProgressDeadlineExceeded',
  paused: 'Paused',
  invalidSpec: 'InvalidSpec',
  applyFailed: 'ApplyFailed',
  asExpected: 'AsExpected',
} as const;
export type Reason = (typeof REASON)[keyof typeof REASON];

export type Condition = NonNullable<HerdRuleStatus['conditions']>[number];

/** The part of a Deployment the status is computed from. */
export interface DeploymentView {
  metadata?: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

export interface StatusProblems {
  /** The spec failed validation: the message says which field and what was expected. */
  invalid?: string | undefined;
  /** Applying the children failed (e.g. a quota or an admission webhook said no). */
  applyError?: string | undefined;
}

interface Verdict {
  ready: boolean;
  readyReason: Reason;
  degraded: boolean;
  degradedReason: Reason;
  message: string;
}

function verdict(rule: HerdRule, d: DeploymentView | undefined, problems: StatusProblems): Verdict {
  if (problems.invalid !== undefined) {
    return { ready: false, readyReason: REASON.invalidSpec, degraded: true, degradedReason: REASON.invalidSpec, message: problems.invalid };
  }
  if (problems.applyError !== undefined) {
    return { ready: false, readyReason: REASON.applyFailed, degraded: true, degradedReason: REASON.applyFailed, message: problems.applyError };
  }
  if (rule.spec.paused) {
    return { ready: false, readyReason: REASON.paused, degraded: false, degradedReason: REASON.paused, message: 'rule is paused; detectors are scaled to zero' };
  }
  if (!d) {
    return { ready: false, readyReason: REASON.detectorsProgressing, degraded: false, degradedReason: REASON.asExpected, message: 'waiting for the detector Deployment' };
  }
  const want = d.spec?.replicas ?? 0;
  const s = d.status ?? {};
  const ready = s.readyReplicas ?? 0;
  const cond = (type: string) => s.conditions?.find((c) => c.type === type);
  const failure = cond('ReplicaFailure');
  if (failure?.status === 'True') {
    return { ready: false, readyReason: REASON.deploymentUnavailable, degraded: true, degradedReason: REASON.replicaFailure, message: `detector pods cannot be created: ${failure.message ?? failure.reason ?? 'unknown'}` };
  }
  const progressing = cond('Progressing');
  if (progressing?.status === 'False') {
    return { ready: false, readyReason: REASON.deploymentUnavailable, degraded: true, degradedReason: REASON.progressDeadlineExceeded, message: `${ready}/${want} detectors ready: ${progressing.message ?? progressing.reason ?? 'rollout stalled'}` };
  }
  const current = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  if (current && (s.updatedReplicas ?? 0) >= want && (s.availableReplicas ?? 0) >= want && ready >= want && (s.replicas ?? 0) === want) {
    return { ready: true, readyReason: REASON.detectorsAvailable, degraded: false, degradedReason: REASON.asExpected, message: `${ready}/${want} detectors ready` };
  }
  const available = cond('Available');
  if (available?.status === 'False') {
    return { ready: false, readyReason: REASON.deploymentUnavailable, degraded: false, degradedReason: REASON.asExpected, message: `${ready}/${want} detectors ready: ${available.message ?? 'Deployment unavailable'}` };
  }
  return { ready: false, readyReason: REASON.detectorsProgressing, degraded: false, degradedReason: REASON.asExpected, message: `${ready}/${want} detectors ready; rollout in progress` };
}

function condition(type: string, status: boolean, reason: Reason, message: string, rule: HerdRule, now: Date): Condition {
  const st = status ? 'True' : 'False';
  const prev = rule.status?.conditions?.find((c) => c.type === type);
  // lastTransitionTime moves only when the status flips, as kubectl users expect.
  const lastTransitionTime = prev && prev.status === st ? prev.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { type, status: st, reason, message, lastTransitionTime, observedGeneration: rule.metadata.generation ?? 0 };
}

/**
 * Pure: the status a rule should have given its Deployment (as last observed) and any
 * problem found while reconciling. Keeps lastTransitionTime of conditions that did not flip.
 */
export function computeStatus(rule: HerdRule, deployment: DeploymentView | undefined, now: Date, problems: StatusProblems = {}): HerdRuleStatus {
  const v = verdict(rule, deployment, problems);
  const degradedMessage = v.degraded ? v.message : 'no problem found with the detectors';
  // Only the fields the operator owns: detectors may write trending and lastAlertTime, and a
  // merge patch of these fields leaves theirs alone.
  const status: HerdRuleStatus = {
    observedGeneration: rule.metadata.generation ?? 0,
    conditions: [
      condition(CONDITION.ready, v.ready, v.readyReason, v.message, rule, now),
      condition(CONDITION.degraded, v.degraded, v.degradedReason, rule.spec.paused && !v.degraded ? v.message : degradedMessage, rule, now),
    ],
    replicas: deployment?.status?.replicas ?? 0,
    readyReplicas: deployment?.status?.readyReplicas ?? 0,
  };
  return status;
}

/** True when the two statuses differ in anything but lastTransitionTime (prometheus-operator's hasStateChanged). */
export function statusChanged(before: HerdRuleStatus | undefined, after: HerdRuleStatus): boolean {
  const strip = (s: HerdRuleStatus | undefined) => ({
    observedGeneration: s?.observedGeneration,
    replicas: s?.replicas,
    readyReplicas: s?.readyReplicas,
    conditions: (s?.conditions ?? []).map(({ lastTransitionTime: _t, ...rest }) => rest).sort((a, b) => a.type.localeCompare(b.type)),
  });
  return JSON.stringify(sortKeys(strip(before))) !== JSON.stringify(sortKeys(strip(after)));
}

/** The condition a transition event is about, if Ready flipped or Degraded became true. */
export function transitions(before: HerdRuleStatus | undefined, after: HerdRuleStatus): Condition[] {
  const out: Condition[] = [];
  for (const c of after.conditions ?? []) {
    const prev = before?.conditions?.find((p) => p.type === c.type);
    const flipped = !prev || prev.status !== c.status || prev.reason !== c.reason;
    if (!flipped) continue;
    if (c.type === CONDITION.ready || (c.type === CONDITION.degraded && c.status === 'True')) out.push(c);
  }
  return out;
}
