/**
 * The generated HerdRule CRD on a real kube-apiserver: the server accepts it, accepts the example
 * rules (filling in defaults), rejects invalid rules itself — OpenAPI checks and the CEL
 * cross-field rules — with messages that name the field, and `kubectl get herdrules` shows the
 * printer columns.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiException, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createNamespace, kubectl, kubectlOk, loadKubeConfig, waitCrdEstablished } from './cluster.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CRD_FILE = join(ROOT, 'k8s', 'crds', 'herdrules.herdwatch.io.yaml');
const EXAMPLES_DIR = join(ROOT, 'k8s', 'examples');
const GROUP = 'herdwatch.io';
const VERSION = 'v1alpha1';
const PLURAL = 'herdrules';

type Json = Record<string, unknown>;

const rule = (name: string, spec: Json): Json => ({ apiVersion: `${GROUP}/${VERSION}`, kind: 'HerdRule', metadata: { name }, spec });
const surge = (detector: Json = {}): Json => ({ detector: { type: 'surge', window: '5m', bucket: '10s', minLift: 2, ...detector } });

let ns: { name: string; remove: () => Promise<void> };
let applyWarnings = '';
let api: CustomObjectsApi;

/** Creates the object through the API and returns the server's Status when it refuses. */
async function createRejection(obj: Json): Promise<{ code: number; reason: string; message: string }> {
  try {
    await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns.name, plural: PLURAL, body: obj, fieldValidation: 'Strict' });
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const body = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as { reason?: string; message?: string };
    return { code: err.code, reason: body.reason ?? '', message: body.message ?? '' };
  }
  throw new Error(`the API server accepted ${JSON.stringify(obj)}`);
}

beforeAll(async () => {
  if (!existsSync(CRD_FILE)) throw new Error(`${CRD_FILE} is missing: run \`make generate\``);
  // Server-side apply: a CRD with full descriptions can exceed the last-applied annotation limit.
  const applied = await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=herdwatch-test', '-f', CRD_FILE]);
  if (applied.code !== 0) throw new Error(`the API server rejected the CRD:\n${applied.stderr}`);
  applyWarnings = applied.stderr;
  await waitCrdEstablished(`${PLURAL}.${GROUP}`);
  ns = await createNamespace('crd');
  api = loadKubeConfig().makeApiClient(CustomObjectsApi);
});

afterAll(async () => {
  await ns?.remove();
});

describe('the HerdRule CRD on the API server', () => {
  it('is structural and carries no warnings about its schema', async () => {
    // The API server warns here about, e.g., CEL rules close to the cost budget.
    expect(applyWarnings).toBe('');
    const crd = JSON.parse(await kubectlOk(['get', `crd/${PLURAL}.${GROUP}`, '-o', 'json'])) as { status: { conditions: { type: string; status: string; message: string }[] } };
    const byType = Object.fromEntries(crd.status.conditions.map((c) => [c.type, c]));
    expect(byType['Established']?.status).toBe('True');
    expect(byType['NamesAccepted']?.status).toBe('True');
    expect(byType['NonStructuralSchema']).toBeUndefined();
  });

  it('accepts a minimal rule and fills in the defaults', async () => {
    await kubectlOk(['create', '-n', ns.name, '-f', '-'], JSON.stringify(rule('minimal', { detector: { type: 'surge' } })));
    const got = JSON.parse(await kubectlOk(['get', 'herdrule', 'minimal', '-n', ns.name, '-o', 'json'])) as { spec: Json & { detector: Json } };
    expect(got.spec).toMatchObject({ key: 'productId', severity: 'warning', parallelism: 1, paused: false });
    expect(got.spec.detector).toMatchObject({ type: 'surge', bucket: '10s', allowedLateness: '30s' });
    // The window's default follows the bucket (5m, or 12 buckets when they are longer), so the
    // CRD leaves it unset and the rule compiler fills it in; a fixed default would break 30m buckets.
    expect(got.spec.detector['window']).toBeUndefined();
  });

  it('explains the fields with the schema descriptions', async () => {
    const out = await kubectlOk(['explain', 'herdrules.spec.detector.minLift']);
    expect(out).toMatch(/minimum ratio of window rate to baseline rate/);
  });
});

describe('example rules in k8s/examples', () => {
  const files = existsSync(EXAMPLES_DIR) ? readdirSync(EXAMPLES_DIR).filter((f) => /\.ya?ml$/.test(f)).sort() : [];

  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s is accepted by the API server', async (file) => {
    const docs = parseAllDocuments(readFileSync(join(EXAMPLES_DIR, file), 'utf8')).map((d) => d.toJS() as Json | null);
    const rules = docs.filter((d): d is Json => d?.['kind'] === 'HerdRule');
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      const { namespace: _ignored, ...metadata } = r['metadata'] as Json;
      const res = await kubectl(['apply', '--server-side', '-n', ns.name, '-f', '-'], JSON.stringify({ ...r, metadata }));
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
    }
  });
});

describe('invalid rules are rejected by the API server', () => {
  // 422 Invalid from schema validation; a field the schema does not know is refused earlier, when
  // the server decodes the object (400 BadRequest), because the request asks for strict validation.
  const cases: { what: string; spec: Json; field: string; says: RegExp; code?: number }[] = [
    { what: 'a window that is not a duration', spec: surge({ window: '5 minutes' }), field: 'spec.detector.window', says: /should match/ },
    { what: 'a window in days (CEL durations have no d)', spec: surge({ window: '1d' }), field: 'spec.detector.window', says: /should match/ },
    { what: 'a zero duration', spec: surge({ bucket: '0s' }), field: 'spec.detector.bucket', says: /should match/ },
    { what: 'an unknown detector type', spec: surge({ type: 'spike' }), field: 'spec.detector.type', says: /Unsupported value: "spike": supported values: "surge", "velocity", "threshold", "novelty"/ },
    { what: 'minLift below 1', spec: surge({ minLift: 0.5 }), field: 'spec.detector.minLift', says: /should be greater than or equal to 1/ },
    { what: 'parallelism above 64', spec: { ...surge(), parallelism: 65 }, field: 'spec.parallelism', says: /should be less than or equal to 64/ },
    {
      what: 'a slack channel without its webhook secret reference',
      spec: { ...surge(), channels: [{ slack: { channel: '#herd' } }] },
      field: 'spec.channels[0].slack.webhookSecretRef',
      says: /Required value/,
    },
    {
      what: 'a webhook channel without its signing secret reference',
      spec: { ...surge(), channels: [{ webhook: { urlSecretRef: { name: 'hooks', key: 'url' } } }] },
      field: 'spec.channels[0].webhook.signingSecretRef',
      says: /Required value/,
    },
    {
      what: 'a secret reference without a key',
      spec: { ...surge(), channels: [{ slack: { webhookSecretRef: { name: 'slack' } } }] },
      field: 'spec.channels[0].slack.webhookSecretRef.key',
      says: /Required value/,
    },
    {
      what: 'a channel naming two destinations (CEL)',
      spec: { ...surge(), channels: [{ slack: { webhookSecretRef: { name: 's', key: 'url' } }, alertmanager: {} }] },
      field: 'spec.channels[0]',
      says: /each channel names exactly one of slack, email, alertmanager, webhook/,
    },
    { what: 'a velocity detector without maxEvents (CEL)', spec: { detector: { type: 'velocity', window: '1m' } }, field: 'spec.detector.maxEvents', says: /a velocity detector needs maxEvents/ },
    { what: 'a threshold detector without above (CEL)', spec: { detector: { type: 'threshold', field: 'amount' } }, field: 'spec.detector.above', says: /a threshold detector needs field and above/ },
    { what: 'a novelty detector without field (CEL)', spec: { detector: { type: 'novelty' } }, field: 'spec.detector.field', says: /a novelty detector needs field/ },
    { what: 'a bucket longer than the window (CEL)', spec: surge({ window: '1m', bucket: '90s' }), field: 'spec.detector.bucket', says: /bucket must not be longer than window/ },
    { what: 'priorBy naming the key itself (CEL)', spec: { ...surge({ priorBy: 'productId' }), key: 'productId' }, field: 'spec.detector.priorBy', says: /priorBy must name a field other than key/ },
    { what: 'priorBy on a velocity detector (CEL)', spec: { detector: { type: 'velocity', window: '1m', maxEvents: 3, priorBy: 'category' } }, field: 'spec.detector.priorBy', says: /priorBy applies to surge detectors only/ },
    { what: 'an unknown field', spec: surge({ treshold: 3 }), field: 'spec.detector.treshold', says: /cannot be handled as a HerdRule: strict decoding error: unknown field/, code: 400 },
  ];

  it.each(cases)('$what', async ({ spec, field, says, code = 422 }) => {
    const refused = await createRejection(rule('bad', spec));
    expect(refused.code).toBe(code);
    if (code === 422) expect(refused.message).toContain(`HerdRule.${GROUP} "bad" is invalid`);
    expect(refused.message).toContain(field);
    expect(refused.message).toMatch(says);
  });

  it('kubectl shows the reason to the user', async () => {
    const res = await kubectl(['create', '-n', ns.name, '-f', '-'], JSON.stringify(rule('too-fine', surge({ window: '1m', bucket: '2m' }))));
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/The HerdRule "too-fine" is invalid: spec\.detector\.bucket: Invalid value: .*bucket must not be longer than window/);
  });

  it('a valid bucket and window in different units pass the CEL rule', async () => {
    await kubectlOk(['create', '-n', ns.name, '-f', '-'], JSON.stringify(rule('mixed-units', surge({ window: '1h30m', bucket: '90s' }))));
  });
});

describe('kubectl get herdrules', () => {
  it('shows the printer columns, including status the operator writes', async () => {
    await kubectlOk(['create', '-n', ns.name, '-f', '-'], JSON.stringify(rule('cart-velocity', {
      key: 'userId',
      severity: 'critical',
      detector: { type: 'velocity', window: '1m', maxEvents: 30 },
    })));
    await kubectlOk(['patch', 'herdrule', 'cart-velocity', '-n', ns.name, '--subresource=status', '--type=merge', '-p', JSON.stringify({
      status: {
        trending: 3,
        conditions: [{ type: 'Ready', status: 'True', reason: 'DetectorsAvailable', message: '1/1 ready', lastTransitionTime: new Date(0).toISOString() }],
      },
    })]);
    const out = await kubectlOk(['get', 'herdrules', 'cart-velocity', '-n', ns.name]);
    const [header, row] = out.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(header).toEqual(['NAME', 'TYPE', 'KEY', 'SEVERITY', 'PAUSED', 'READY', 'TRENDING', 'AGE']);
    expect(row?.slice(0, 7)).toEqual(['cart-velocity', 'velocity', 'userId', 'critical', 'false', 'True', '3']);
  });

  it('finds rules by short name and category', async () => {
    expect(await kubectlOk(['get', 'hr', '-n', ns.name, '-o', 'name'])).toContain('herdrule.herdwatch.io/cart-velocity');
    expect(await kubectlOk(['get', 'herdwatch', '-n', ns.name, '-o', 'name'])).toContain('herdrule.herdwatch.io/cart-velocity');
  });
});
