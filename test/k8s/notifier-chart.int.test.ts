/**
 * The chart's notifier: its pod takes MongoDB and SMTP credentials from Secrets by reference (never
 * a value in the pod spec), its ServiceAccount may read only the Secrets rules' channels name (get,
 * never list), and the notifier's own Kubernetes code, running with that ServiceAccount's token,
 * lists the rules and reads a channel Secret — on the real API server, in a namespace that enforces
 * the restricted Pod Security Standard. Egress NetworkPolicy options render and refuse a policy
 * that would cut the notifier off from Kafka.
 */
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KubeRuleDirectory } from '../../src/notifier/kube-rules.js';
import { KubeSecrets } from '../../src/notifier/secrets.js';
import { KubeClient } from '../../src/operator/kube.js';
import { createNamespace, k8sBin, kubectl, kubectlOk, loadKubeConfig, run } from './cluster.js';
import { ROOT, TestApi, ensureCrd, eventually, herdRule } from './operator-harness.js';

const CHART = join(ROOT, 'charts', 'herdwatch');
const KUBE_VERSION = process.env.HW_K8S_VERSION ?? '1.35.4';
type Doc = { kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };
type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } };
type Container = { name: string; args: string[]; env: EnvVar[]; ports: { name: string; containerPort: number }[]; readinessProbe?: unknown; livenessProbe?: unknown };

async function template(release: string, namespace: string, args: string[]): Promise<{ code: number; docs: Doc[]; stderr: string }> {
  const r = await run(k8sBin('helm'), ['template', release, CHART, '--namespace', namespace, '--kube-version', KUBE_VERSION, ...args]);
  return { code: r.code, stderr: r.stderr, docs: r.code === 0 ? parseAllDocuments(r.stdout).map((d) => d.toJS() as Doc).filter(Boolean) : [] };
}

const find = (docs: Doc[], kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
const notifierContainer = (docs: Doc[], release: string) =>
  (find(docs, 'Deployment', `${release}-herdwatch-notifier`) as unknown as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers[0]!;
const envOf = (c: Container, name: string) => c.env.find((e) => e.name === name);

const SECRET_VALUES = ['--set', 'mongodb.existingSecret=hw-mongo', '--set', 'notifier.smtp.existingSecret=hw-smtp',
  '--set', 'notifier.alertmanager.url=http://alertmanager.monitoring:9093', '--set', 'notifier.uiUrl=https://herdwatch.shop.example/'];

describe('the chart\'s notifier, rendered', () => {
  it('references the MongoDB and SMTP Secrets instead of carrying their values, and runs `notifier` with probes and a metrics port', async () => {
    const t = await template('hw', 'herdwatch', SECRET_VALUES);
    expect(t.code, t.stderr).toBe(0);
    const c = notifierContainer(t.docs, 'hw');
    expect(c.args).toEqual(['notifier']);
    expect(envOf(c, 'HERDWATCH_MONGODB_URI')).toEqual({ name: 'HERDWATCH_MONGODB_URI', valueFrom: { secretKeyRef: { name: 'hw-mongo', key: 'uri' } } });
    expect(envOf(c, 'HERDWATCH_SMTP_URL')).toEqual({ name: 'HERDWATCH_SMTP_URL', valueFrom: { secretKeyRef: { name: 'hw-smtp', key: 'url' } } });
    expect(envOf(c, 'HERDWATCH_RULES_FROM')?.value).toBe('kubernetes');
    expect(envOf(c, 'HERDWATCH_NOTIFIER_GROUP')?.value).toBe('herdwatch-notifier');
    expect(envOf(c, 'HERDWATCH_INSTANCE')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    expect(envOf(c, 'HERDWATCH_UI_URL')?.value).toBe('https://herdwatch.shop.example');
    expect(envOf(c, 'HERDWATCH_ALERTMANAGER_URL')?.value).toBe('http://alertmanager.monitoring:9093');
    expect(c.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: 9465 })]);
    expect(envOf(c, 'HERDWATCH_METRICS_PORT')?.value).toBe('9465');
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'http' } });
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
    // No credential ever appears as a literal value.
    expect(c.env.filter((e) => /URI|SMTP_URL|PASSWORD|TOKEN/.test(e.name) && e.value !== undefined)).toEqual([]);
  });

  it('is scraped like the other components: a Service port and a ServiceMonitor on it', async () => {
    const t = await template('hw', 'herdwatch', ['--set', 'metrics.serviceMonitor.enabled=true']);
    expect(t.code, t.stderr).toBe(0);
    const svc = find(t.docs, 'Service', 'hw-herdwatch-notifier') as unknown as { spec: { ports: { name: string; port: number }[] } };
    expect(svc.spec.ports).toEqual([expect.objectContaining({ name: 'http', port: 9465 })]);
    const sm = find(t.docs, 'ServiceMonitor', 'hw-herdwatch-notifier') as unknown as { spec: { endpoints: { port: string; path: string }[] } };
    expect(sm.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
  });

  it('limits Secret reads to get on the named Secrets, in the watched namespaces when there are some', async () => {
    const named = await template('hw', 'herdwatch', ['--set', 'notifier.secretNames={slack-trending,erp-hook}']);
    const role = find(named.docs, 'ClusterRole', 'hw-herdwatch-notifier') as unknown as { rules: { resources: string[]; verbs: string[]; resourceNames?: string[] }[] };
    expect(role.rules.find((r) => r.resources.includes('secrets'))).toEqual({ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['slack-trending', 'erp-hook'] });
    const namespaced = await template('hw', 'herdwatch', ['-f', join(CHART, 'ci', 'namespaced-values.yaml')]);
    const clusterRole = find(namespaced.docs, 'ClusterRole', 'hw-herdwatch-notifier') as unknown as { rules: { resources: string[] }[] };
    expect(clusterRole.rules.some((r) => r.resources.includes('secrets'))).toBe(false);
    expect(namespaced.docs.filter((d) => d.kind === 'Role' && d.metadata.name === 'hw-herdwatch-notifier-secrets').map((d) => d.metadata.namespace).sort()).toEqual(['payments', 'shop']);
  });

  it('restricts egress to the configured destinations plus DNS, and refuses to render without a way to Kafka', async () => {
    const noKafka = await template('hw', 'herdwatch', ['--set', 'networkPolicy.notifierEgress.enabled=true']);
    expect(noKafka.code).not.toBe(0);
    expect(noKafka.stderr).toContain('networkPolicy.notifierEgress.kafka.to is required');
    const t = await template('hw', 'herdwatch', ['-f', join(CHART, 'ci', 'full-values.yaml')]);
    expect(t.code, t.stderr).toBe(0);
    const np = find(t.docs, 'NetworkPolicy', 'hw-herdwatch-notifier-egress') as unknown as { spec: { policyTypes: string[]; egress: { to?: unknown[]; ports: { port: number }[] }[] } };
    expect(np.spec.policyTypes).toEqual(['Egress']);
    const ports = np.spec.egress.map((r) => r.ports.map((p) => p.port).join(','));
    // DNS, API server, Kafka, MongoDB, SMTP, Alertmanager, Slack (public 443), webhooks.
    expect(ports).toEqual(['53,53', '443,6443', '9093', '27017', '587', '9093', '443', '443']);
    expect(np.spec.egress.slice(1).every((r) => (r.to ?? []).length > 0)).toBe(true);
  });
});

describe('the chart\'s notifier on the API server', () => {
  const release = `hwn${Date.now().toString(36)}`;
  let ns: { name: string; remove: () => Promise<void> };
  let ruleNs: { name: string; remove: () => Promise<void> };
  let rendered: Doc[] = [];
  const sa = () => `system:serviceaccount:${ns.name}:${release}-herdwatch-notifier`;

  beforeAll(async () => {
    await ensureCrd();
    ns = await createNamespace('hw-ntf-chart');
    ruleNs = await createNamespace('hw-ntf-rules');
    await kubectlOk(['label', 'namespace', ns.name, 'pod-security.kubernetes.io/enforce=restricted']);
    const t = await template(release, ns.name, [...SECRET_VALUES, '--set', 'operator.enabled=false', '--set', 'api.enabled=false',
      '--set', 'notifier.secretNames={erp-hook}', '--set', 'networkPolicy.enabled=true']);
    if (t.code !== 0) throw new Error(t.stderr);
    rendered = t.docs;
    await kubectlOk(['-n', ns.name, 'create', 'secret', 'generic', 'hw-mongo', '--from-literal=uri=mongodb://mongo:27017/herdwatch']);
    await kubectlOk(['-n', ns.name, 'create', 'secret', 'generic', 'hw-smtp', '--from-literal=url=smtp://relay:587']);
  });

  afterAll(async () => {
    for (const d of rendered.filter((x) => x.kind === 'ClusterRole' || x.kind === 'ClusterRoleBinding')) await kubectl(['delete', d.kind.toLowerCase(), d.metadata.name, '--ignore-not-found']);
    await ns?.remove();
    await ruleNs?.remove();
  });

  it('applies under the restricted Pod Security Standard, and the notifier pod the API server creates references the Secrets', async () => {
    const r = await kubectl(['apply', '--server-side', '--field-manager=helm-test', '-f', '-'], rendered.map((d) => JSON.stringify(d)).join('\n---\n'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/violate PodSecurity/i);
    await kubectlOk(['-n', ns.name, 'rollout', 'status', `deployment/${release}-herdwatch-notifier`, '--timeout=90s']);
    const pods = JSON.parse(await kubectlOk(['-n', ns.name, 'get', 'pods', '-l', 'app.kubernetes.io/component=notifier', '-o', 'json'])) as { items: { spec: { serviceAccountName: string; containers: Container[] } }[] };
    expect(pods.items).toHaveLength(1);
    const pod = pods.items[0]!.spec;
    expect(pod.serviceAccountName).toBe(`${release}-herdwatch-notifier`);
    const refs = pod.containers[0]!.env.flatMap((e) => (e.valueFrom?.secretKeyRef ? [`${e.name}=${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`] : []));
    expect(refs.sort()).toEqual(['HERDWATCH_MONGODB_URI=hw-mongo/uri', 'HERDWATCH_SMTP_URL=hw-smtp/url']);
  });

  it('lets the ServiceAccount get the named channel Secret and nothing else of Secrets', async () => {
    const canI = async (verb: string, resource: string, n?: string) =>
      (await kubectl(['auth', 'can-i', verb, resource, `--as=${sa()}`, ...(n ? ['-n', n] : ['--all-namespaces'])])).stdout.trim() === 'yes';
    expect(await canI('get', 'secrets/erp-hook', ruleNs.name)).toBe(true);
    expect(await canI('get', 'secrets/other', ruleNs.name)).toBe(false);
    expect(await canI('list', 'secrets', ruleNs.name)).toBe(false);
    expect(await canI('watch', 'secrets', ruleNs.name)).toBe(false);
    expect(await canI('list', 'herdrules.herdwatch.io')).toBe(true);
    expect(await canI('update', 'herdrules.herdwatch.io', ruleNs.name)).toBe(false);
  });

  it('with the ServiceAccount\'s token, the notifier\'s Kubernetes code lists the rule and reads its webhook Secret, and is refused another', async () => {
    await kubectlOk(['-n', ruleNs.name, 'create', 'secret', 'generic', 'erp-hook', '--from-literal=url=https://erp.shop.example/hook', '--from-literal=secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']);
    await kubectlOk(['-n', ruleNs.name, 'create', 'secret', 'generic', 'not-for-the-notifier', '--from-literal=url=https://elsewhere.example']);
    await new TestApi().createRule(ruleNs.name, herdRule('erp-surge', { channels: [{ webhook: { urlSecretRef: { name: 'erp-hook', key: 'url' }, signingSecretRef: { name: 'erp-hook', key: 'secret' } } }] }));

    const token = (await kubectlOk(['-n', ns.name, 'create', 'token', `${release}-herdwatch-notifier`, '--duration=1h'])).trim();
    const admin = loadKubeConfig().getCurrentCluster()!;
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 't', server: admin.server, caData: admin.caData }], users: [{ name: 'n', token }], contexts: [{ name: 'n', cluster: 't', user: 'n' }], currentContext: 'n' });
    const kube = new KubeClient(kc);

    const rules = new KubeRuleDirectory(kube, 60_000, () => undefined);
    await eventually('the rule to be listed', async () => (await rules.refresh()) > 0 && rules.lookup('', `${ruleNs.name}/erp-surge`), 30_000);
    expect(rules.lookup('', `${ruleNs.name}/erp-surge`)?.channels).toEqual([expect.objectContaining({ webhook: expect.objectContaining({ urlSecretRef: { name: 'erp-hook', key: 'url' } }) })]);

    const secrets = new KubeSecrets(kube);
    expect(await secrets.get(ruleNs.name, { name: 'erp-hook', key: 'url' })).toBe('https://erp.shop.example/hook');
    await expect(secrets.get(ruleNs.name, { name: 'not-for-the-notifier', key: 'url' })).rejects.toMatchObject({ code: 'HW_ERR_SECRET', message: expect.stringMatching(/forbidden/i) });
  });
});
