import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles } from '../rules/index.js';
import { configMapForRule } from './configmap.js';
import { deploymentForRule, desiredReplicas } from './deployment.js';
import { ANNOTATIONS, childName, labelValue } from './names.js';
import { renderOptions } from './options.js';
import { sampleRule } from './testing.js';

const GOLDEN = path.resolve(import.meta.dirname, '../../test/golden');

/** Compares with test/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead. */
async function golden(name: string, obj: unknown): Promise<void> {
  const text = stringify(obj, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    await mkdir(GOLDEN, { recursive: true });
    await writeFile(file, text);
    return;
  }
  const want = await readFile(file, 'utf8').catch(() => {
    throw new Error(`${file} is missing; run UPDATE_GOLDEN=1 vitest run src/operator/render.test.ts`);
  });
  expect(text).toBe(want);
}

const opts = renderOptions({
  image: 'registry.example/herdwatch:1.2.3',
  topicPartitions: { 'herdwatch.events': 12, 'shop.clicks': 1 },
  env: [{ name: 'HERDWATCH_KAFKA_BROKERS', value: 'kafka:9092' }],
});

describe('configMapForRule', () => {
  it('matches the golden file', async () => {
    await golden('operator-configmap.yaml', configMapForRule(sampleRule(), opts));
  });

  it('renders the same bytes for the same rule whatever the key order', () => {
    const a = sampleRule();
    const b = sampleRule();
    b.spec = Object.fromEntries(Object.entries(b.spec).reverse()) as typeof b.spec;
    expect(stringify(configMapForRule(a, opts))).toBe(stringify(configMapForRule(b, opts)));
  });

  it('resolves the install default topic into the rule file detectors load', () => {
    const cm = configMapForRule(sampleRule(), opts);
    expect(cm.data['rule.yaml']).toContain('topic: herdwatch.events');
    expect(JSON.parse(cm.data['compiled.json']!).detector.windowMs).toBe(300_000);
  });

  it('writes a rule file the detector loads as the same rule (uid, topic, thresholds)', async () => {
    const rule = sampleRule();
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'hw-rule-')), 'rule.yaml');
    await writeFile(file, configMapForRule(rule, opts).data['rule.yaml']!);
    const [loaded] = await loadRuleFiles(file);
    expect(loaded!.compiled).toMatchObject({ uid: rule.metadata.uid, namespace: 'shop', name: 'sneaker-surge', key: 'productId', severity: 'warning' });
    expect(loaded!.rule.spec.source.topic).toBe('herdwatch.events');
    expect(loaded!.compiled.detector).toMatchObject({ minEvents: 50, windowMs: 300_000 });
  });
});

describe('deploymentForRule', () => {
  it('matches the golden file', async () => {
    await golden('operator-deployment.yaml', deploymentForRule(sampleRule(), opts));
  });

  it('matches the golden file when paused', async () => {
    await golden('operator-deployment-paused.yaml', deploymentForRule(sampleRule({ spec: { paused: true } }), opts));
  });

  it('clamps replicas to the topic partitions and scales to zero when paused', () => {
    expect(desiredReplicas(sampleRule({ spec: { parallelism: 4 } }), opts)).toBe(4);
    expect(desiredReplicas(sampleRule({ spec: { parallelism: 40 } }), opts)).toBe(12);
    expect(desiredReplicas(sampleRule({ spec: { parallelism: 3, source: { topic: 'shop.clicks' } } }), opts)).toBe(1);
    expect(desiredReplicas(sampleRule({ spec: { parallelism: 3, source: { topic: 'other' } } }), opts)).toBe(3);
    expect(desiredReplicas(sampleRule({ spec: { paused: true } }), opts)).toBe(0);
  });

  const restartHash = (o: typeof opts, spec: Parameters<typeof sampleRule>[0]) =>
    (deploymentForRule(sampleRule(spec), o).spec.template as { metadata: { annotations: Record<string, string> } }).metadata.annotations[ANNOTATIONS.restartHash];

  it('rolls the pods for spec edits, never for scaling', () => {
    const base = restartHash(opts, {});
    expect(restartHash(opts, { spec: { parallelism: 7 } })).toBe(base);
    expect(restartHash(opts, { spec: { paused: true } })).toBe(base);
    expect(restartHash(opts, { generation: 9 })).toBe(base);
    expect(restartHash(opts, { spec: { severity: 'critical' } })).not.toBe(base);
    expect(restartHash(opts, { spec: { key: 'userId' } })).not.toBe(base);
  });

  it('with hot reload, rolls the pods only for edits that change detector state', () => {
    const hot = { ...opts, hotReload: true };
    const base = restartHash(hot, {});
    expect(restartHash(hot, { spec: { severity: 'critical' } })).toBe(base);
    expect(restartHash(hot, { spec: { key: 'userId' } })).not.toBe(base);
    expect(restartHash(hot, { spec: { source: { topic: 'shop.clicks' } } })).not.toBe(base);
  });

  it('runs restricted: non-root, read-only root, no privilege escalation, no capabilities', () => {
    const pod = deploymentForRule(sampleRule(), opts).spec.template as { spec: { securityContext: Record<string, unknown>; containers: { securityContext: Record<string, unknown> }[] } };
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.spec.containers[0]!.securityContext).toMatchObject({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
    });
  });
});

describe('names', () => {
  it('keeps label values and child names within Kubernetes limits', () => {
    const long = 'a'.repeat(250);
    expect(labelValue(long).length).toBeLessThanOrEqual(63);
    expect(labelValue(long)).not.toBe(labelValue(`${'a'.repeat(249)}b`));
    expect(childName(long, 'detector').length).toBeLessThanOrEqual(253);
    expect(childName('x', 'rule')).toBe('x-rule');
  });
});
