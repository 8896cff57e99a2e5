import { describe, expect, it } from 'vitest';
import { computeStatus, statusChanged, transitions, type DeploymentView } from './status.js';
import { sampleRule } from './testing.js';

const t0 = new Date('2026-11-21T12:00:00Z');
const t1 = new Date('2026-11-21T12:05:00Z');

const dep = (over: Partial<NonNullable<DeploymentView['status']>> = {}, replicas = 2): DeploymentView => ({
  metadata: { generation: 4 },
  spec: { replicas },
  status: { observedGeneration: 4, replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas, conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }], ...over },
});
const cond = (s: ReturnType<typeof computeStatus>, type: string) => s.conditions!.find((c) => c.type === type)!;

describe('computeStatus', () => {
  it('is Ready with DetectorsAvailable when every detector is ready', () => {
    const s = computeStatus(sampleRule({ generation: 7 }), dep(), t0);
    expect(s.observedGeneration).toBe(7);
    expect(cond(s, 'Ready')).toMatchObject({ status: 'True', reason: 'DetectorsAvailable', message: '2/2 detectors ready', observedGeneration: 7 });
    expect(cond(s, 'Degraded')).toMatchObject({ status: 'False' });
    expect(s).toMatchObject({ replicas: 2, readyReplicas: 2 });
  });

  it('says the rollout is progressing while pods start', () => {
    const s = computeStatus(sampleRule(), dep({ readyReplicas: 1, availableReplicas: 1 }), t0);
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'DetectorsProgressing', message: '1/2 detectors ready; rollout in progress' });
    expect(computeStatus(sampleRule(), undefined, t0).conditions![0]!.reason).toBe('DetectorsProgressing');
  });

  it('is Degraded when pods cannot be created or the rollout misses its deadline', () => {
    const quota = computeStatus(sampleRule(), dep({ readyReplicas: 0, availableReplicas: 0, replicas: 0, conditions: [
      { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
      { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "x" is forbidden: exceeded quota' },
    ] }), t0);
    expect(cond(quota, 'Degraded')).toMatchObject({ status: 'True', reason: 'DeploymentReplicaFailure' });
    expect(cond(quota, 'Degraded').message).toContain('exceeded quota');
    expect(cond(quota, 'Ready')).toMatchObject({ status: 'False', reason: 'DeploymentUnavailable' });

    const stuck = computeStatus(sampleRule(), dep({ readyReplicas: 0, availableReplicas: 0, conditions: [
      { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "x" has timed out progressing.' },
    ] }), t0);
    expect(cond(stuck, 'Degraded')).toMatchObject({ status: 'True', reason: 'ProgressDeadlineExceeded' });
  });

  it('reports Paused and InvalidSpec with their messages', () => {
    const paused = computeStatus(sampleRule({ spec: { paused: true } }), dep({}, 0), t0);
    expect(cond(paused, 'Ready')).toMatchObject({ status: 'False', reason: 'Paused' });
    expect(paused.replicas).toBe(0);
    const invalid = computeStatus(sampleRule(), undefined, t0, { invalid: 'field /detector/window: expected a duration like 5m' });
    expect(cond(invalid, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec', message: 'field /detector/window: expected a duration like 5m' });
    expect(cond(invalid, 'Degraded')).toMatchObject({ status: 'True', reason: 'InvalidSpec' });
  });

  it('keeps lastTransitionTime unless the condition flips', () => {
    const rule = sampleRule();
    rule.status = computeStatus(rule, dep(), t0);
    const same = computeStatus(rule, dep(), t1);
    expect(cond(same, 'Ready').lastTransitionTime).toBe('2026-11-21T12:00:00Z');
    expect(statusChanged(rule.status, same)).toBe(false);
    expect(transitions(rule.status, same)).toEqual([]);

    const down = computeStatus(rule, dep({ readyReplicas: 1, availableReplicas: 1 }), t1);
    expect(cond(down, 'Ready').lastTransitionTime).toBe('2026-11-21T12:05:00Z');
    expect(cond(down, 'Degraded').lastTransitionTime).toBe('2026-11-21T12:00:00Z');
    expect(statusChanged(rule.status, down)).toBe(true);
    expect(transitions(rule.status, down).map((c) => c.reason)).toEqual(['DetectorsProgressing']);
  });

  it('sees a change of generation or replica count as a change', () => {
    const rule = sampleRule();
    rule.status = computeStatus(rule, dep(), t0);
    expect(statusChanged(rule.status, computeStatus(sampleRule({ generation: 4 }), dep(), t0))).toBe(true);
  });
});

describe('status ownership', () => {
  it('writes only the fields the operator owns, so detector-written fields survive', () => {
    const rule = sampleRule();
    rule.status = { ...computeStatus(rule, dep(), t0), trending: 4, lastAlertTime: '2026-11-21T11:59:00Z' };
    const next = computeStatus(rule, dep(), t1);
    expect(Object.keys(next).sort()).toEqual(['conditions', 'observedGeneration', 'readyReplicas', 'replicas']);
    expect(statusChanged(rule.status, next)).toBe(false);
  });
});
