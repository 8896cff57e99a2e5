import { describe, expect, it } from 'vitest';
import { RuleInvalidError, validateHerdRule, validateRuleSpec } from './index.js';
import { ACTOR_CAP } from '../engine/actors.js';
import { MAX_MIN_ACTORS } from './schema.js';

const surge = { source: { eventTypes: ['view'] }, detector: { type: 'surge' } };

function issuesOf(spec: unknown): { field: string; message: string }[] {
  try {
    validateRuleSpec(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(RuleInvalidError);
    const e = err as RuleInvalidError;
    expect(e.code).toBe('HW_ERR_RULE_INVALID');
    expect(e.status).toBe(422);
    return e.issues.map((i) => ({ field: i.field, message: i.message }));
  }
  throw new Error('expected the spec to be rejected');
}

describe('validateRuleSpec', () => {
  it('applies schema defaults', () => {
    expect(validateRuleSpec({ detector: { type: 'surge' } })).toEqual({
      source: {},
      key: 'productId',
      detector: { type: 'surge', window: '5m', bucket: '10s', allowedLateness: '30s' },
      severity: 'warning',
      parallelism: 1,
      paused: false,
    });
  });

  it('refuses a minActors the engine could never meet (it counts people exactly up to ACTOR_CAP)', () => {
    expect(MAX_MIN_ACTORS).toBe(ACTOR_CAP);
    expect(issuesOf({ ...surge, detector: { type: 'surge', minActors: ACTOR_CAP + 1 } }).map((i) => i.field)).toEqual(['/detector/minActors']);
    expect(validateRuleSpec({ ...surge, detector: { type: 'surge', minActors: ACTOR_CAP } }).detector).toMatchObject({ minActors: ACTOR_CAP });
  });

  it('does not modify its input', () => {
    const spec = { detector: { type: 'surge' } };
    validateRuleSpec(spec);
    expect(spec).toEqual({ detector: { type: 'surge' } });
  });

  it('rejects bad durations, naming the field and the expected form', () => {
    expect(issuesOf({ ...surge, detector: { type: 'surge', window: '5 minutes', cooldown: '0s', baselineHalfLife: '7d' } })).toEqual([
      { field: '/detector/window', message: 'expected a positive duration in ms, s, m or h like 10s, 5m or 1h30m (no d: use 24h), got "5 minutes"' },
      { field: '/detector/cooldown', message: 'expected a positive duration like 10s, 5m, 6h, 1h30m or 7d, got "0s"' },
    ]);
  });

  it('rejects days in window and bucket, which the API server cannot compare', () => {
    expect(issuesOf({ detector: { type: 'velocity', maxEvents: 3, window: '1d' } })[0]?.field).toBe('/detector/window');
  });

  it('rejects an unknown detector type', () => {
    expect(issuesOf({ detector: { type: 'spike' } })).toEqual([
      { field: '/detector/type', message: 'expected one of surge, velocity, threshold, novelty, got "spike"' },
    ]);
  });

  it('rejects minLift below 1 and other bounds', () => {
    expect(issuesOf({ detector: { type: 'surge', minLift: 0.5, sensitivity: 99 }, parallelism: 0 })).toEqual([
      { field: '/detector/minLift', message: 'expected number ≥ 1, got 0.5' },
      { field: '/detector/sensitivity', message: 'expected number between 0.5 and 20, got 99' },
      { field: '/parallelism', message: 'expected integer between 1 and 64, got 0' },
    ]);
  });

  it('rejects a channel without its secret reference, and inline secrets', () => {
    expect(issuesOf({ ...surge, channels: [{ slack: {} }, { slack: { webhookUrl: 'https://hooks.slack.example/x' } }] })).toEqual([
      { field: '/channels/0/slack/webhookSecretRef', message: expect.stringMatching(/^is required: expected an object with fields name, key/) },
      { field: '/channels/1/slack/webhookSecretRef', message: expect.stringMatching(/^is required/) },
      { field: '/channels/1/slack/webhookUrl', message: 'unknown field "webhookUrl"' },
    ]);
  });

  it('applies the cross-field rules with the same messages as the CRD', () => {
    expect(issuesOf({ detector: { type: 'velocity' } })).toEqual([{ field: '/detector/maxEvents', message: 'a velocity detector needs maxEvents' }]);
    expect(issuesOf({ detector: { type: 'threshold', field: 'amount' } })).toEqual([{ field: '/detector/above', message: 'a threshold detector needs field and above' }]);
    expect(issuesOf({ detector: { type: 'novelty' } })).toEqual([{ field: '/detector/field', message: 'a novelty detector needs field' }]);
    expect(issuesOf({ detector: { type: 'surge', window: '30s', bucket: '1m' } })).toEqual([{ field: '/detector/bucket', message: 'bucket must not be longer than window' }]);
    expect(issuesOf({ detector: { type: 'surge' }, channels: [{ alertmanager: {}, email: { to: ['a@b.example'] } }, {}] })).toEqual([
      { field: '/channels/0', message: 'each channel names exactly one of slack, email, alertmanager, webhook' },
      { field: '/channels/1', message: 'each channel names exactly one of slack, email, alertmanager, webhook' },
    ]);
  });

  it('compares durations by value, not text', () => {
    expect(validateRuleSpec({ detector: { type: 'surge', window: '1m', bucket: '30s' } }).detector.bucket).toBe('30s');
    expect(validateRuleSpec({ detector: { type: 'surge', window: '1h30m', bucket: '90m' } }).detector.window).toBe('1h30m');
  });

  it('lists every problem in one message', () => {
    expect(() => validateRuleSpec({ detector: { type: 'surge', minLift: 0 }, severity: 'page', weights: { click: 2 } }, 'api')).toThrow(
      'HW_ERR_RULE_INVALID: api, field /weights/click: HerdRule is invalid (3 problems): /weights/click: unknown field "click"; /detector/minLift: expected number ≥ 1, got 0; /severity: expected one of info, warning, critical, got "page"',
    );
    expect(issuesOf('surge')).toEqual([{ field: '/', message: 'expected an object with at least detector.type, got "surge"' }]);
  });

  it('checks email addresses and match lists', () => {
    expect(issuesOf({ detector: { type: 'surge' }, channels: [{ email: { to: ['not-an-address'] } }], source: { match: { category: [] } } })).toEqual([
      { field: '/source/match/category', message: 'expected a list of 1 to 100 items of string of at most 256 characters, got a list of 0' },
      { field: '/channels/0/email/to/0', message: 'expected an email address, got "not-an-address"' },
    ]);
  });
});

describe('validateHerdRule', () => {
  const rule = { apiVersion: 'herdwatch.io/v1alpha1', kind: 'HerdRule', metadata: { name: 'r1' }, spec: { detector: { type: 'surge' } } };

  it('returns the rule with spec defaults applied', () => {
    expect(validateHerdRule(rule).spec.key).toBe('productId');
  });

  it('checks apiVersion, kind and metadata.name, prefixing spec fields with /spec', () => {
    const bad = { apiVersion: 'v1', kind: 'Rule', metadata: { name: 'Bad_Name' }, spec: { detector: { type: 'surge', minLift: 0 } } };
    try {
      validateHerdRule(bad, 'rules.yaml');
      expect.unreachable();
    } catch (err) {
      const e = err as RuleInvalidError;
      expect(e.source).toBe('rules.yaml');
      expect(e.issues.map((i) => i.field)).toEqual(['/apiVersion', '/kind', '/metadata/name', '/spec/detector/minLift']);
      expect(e.message).toContain('/apiVersion: expected herdwatch.io/v1alpha1, got "v1"');
    }
  });
  it('needs the window to be a whole number of buckets, and fills the default window from the bucket', () => {
    expect(issuesOf({ detector: { type: 'surge', window: '7m', bucket: '5m' } })).toEqual([
      { field: '/detector/window', message: 'window must be a whole number of buckets (e.g. 5m with 10s or 1m buckets, 1h with 5m buckets)' },
    ]);
    expect(validateRuleSpec({ detector: { type: 'surge' } }).detector.window).toBe('5m');
    expect(validateRuleSpec({ detector: { type: 'surge', bucket: '5m' } }).detector.window).toBe('1h');
    expect(validateRuleSpec({ detector: { type: 'surge', bucket: '30m' } }).detector.window).toBe('6h');
    expect(validateRuleSpec({ detector: { type: 'surge', bucket: '7s' } }).detector.window).toBe('301s');
  });

  it('priorBy: a surge rule borrows its category\'s rate; on another detector, naming the key itself or empty, it is rejected with the field', () => {
    expect(validateRuleSpec({ key: 'productId', detector: { type: 'surge', priorBy: 'category' } }).detector.priorBy).toBe('category');
    expect(issuesOf({ key: 'category', detector: { type: 'surge', priorBy: 'category' } })).toEqual([
      { field: '/detector/priorBy', message: 'priorBy must name a field other than key: keys borrow the typical rate of the group (e.g. category) they belong to' },
    ]);
    expect(issuesOf({ detector: { type: 'velocity', maxEvents: 3, priorBy: 'category' } })).toEqual([
      { field: '/detector/priorBy', message: 'priorBy applies to surge detectors only' },
    ]);
    expect(issuesOf({ detector: { type: 'surge', priorBy: '' } }).map((i) => i.field)).toEqual(['/detector/priorBy']);
    expect(issuesOf({ detector: { type: 'surge', priorBy: 7 } }).map((i) => i.field)).toEqual(['/detector/priorBy']);
  });
});
