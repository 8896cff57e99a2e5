/**
 * Writes JSON schemas in kubeconform's local layout (`<kind>-<group>-<version>.json`, one
 * standalone strict schema per kind) so chart manifests validate offline.
 *
 *   tsx scripts/k8s/kube-schemas.ts --swagger <swagger.json> --out <dir>   (built-in kinds)
 *   tsx scripts/k8s/kube-schemas.ts --crd <crd.yaml>... --out <dir>        (custom resources)
 *
 * The swagger is the OpenAPI v2 document shipped in the k8s.io/kubernetes module of the same
 * release as the test API server, so the schemas match what that server accepts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

type Schema = Record<string, unknown>;
interface Gvk { group: string; version: string; kind: string }

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `apps/v1 Deployment` → `deployment-apps-v1.json`; core `v1 Service` → `service-v1.json`. */
export function schemaFileName({ group, version, kind }: Gvk): string {
  const groupPrefix = group === '' ? '' : `-${group.split('.')[0]!.toLowerCase()}`;
  return `${kind.toLowerCase()}${groupPrefix}-${version.toLowerCase()}.json`;
}

/** The string types Kubernetes also accepts as numbers in YAML. */
const NUMERIC_STRINGS: Readonly<Record<string, Schema>> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { oneOf: [{ type: 'string' }, { type: 'integer' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
};

/**
 * Inlines $refs (a type that refers to itself, like JSONSchemaProps, becomes `{}` below its
 * first level), forbids unknown fields on objects that list their properties (strict), and
 * lets fields be null, as the API server drops null fields instead of rejecting them.
 */
function standalone(node: unknown, defs: Readonly<Record<string, Schema>>, stack: readonly string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => standalone(n, defs, stack));
  if (!isObject(node)) return node;
  const ref = node['$ref'];
  if (typeof ref === 'string') {
    const name = ref.replace(/^#\/definitions\//, '');
    const numeric = NUMERIC_STRINGS[name];
    if (numeric) return numeric;
    const def = defs[name];
    if (!def || stack.includes(name)) return {};
    const { $ref: _ref, ...rest } = node;
    return { ...(standalone(def, defs, [...stack, name]) as Schema), ...rest };
  }
  if (node['format'] === 'int-or-string') return NUMERIC_STRINGS['io.k8s.apimachinery.pkg.util.intstr.IntOrString'];
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === 'properties' && isObject(v)
      ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, standalone(s, defs, stack)]))
      : standalone(v, defs, stack);
  }
  if (isObject(out['properties']) && out['additionalProperties'] === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out['additionalProperties'] = false;
  }
  if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  return out;
}

/** The top level of a manifest must have its kind and apiVersion, and they must match. */
function pinKind(schema: Schema, gvk: Gvk): Schema {
  const apiVersion = gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
  const props = isObject(schema['properties']) ? schema['properties'] : {};
  return {
    ...schema,
    type: 'object',
    required: [...new Set([...(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []), 'apiVersion', 'kind'])],
    properties: { ...props, apiVersion: { type: 'string', enum: [apiVersion] }, kind: { type: 'string', enum: [gvk.kind] } },
  };
}

function fromSwagger(file: string, out: string): number {
  const swagger = JSON.parse(readFileSync(file, 'utf8')) as { definitions: Record<string, Schema> };
  let n = 0;
  for (const [name, def] of Object.entries(swagger.definitions)) {
    const gvks = def['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks)) continue;
    const schema = standalone(def, swagger.definitions, [name]) as Schema;
    for (const gvk of gvks as Gvk[]) {
      // The same ListMeta/DeleteOptions definitions are tagged with every group; skip those.
      if (gvk.kind === 'DeleteOptions' || gvk.kind === 'WatchEvent') continue;
      writeFileSync(join(out, schemaFileName(gvk)), JSON.stringify(pinKind(schema, gvk)));
      n++;
    }
  }
  return n;
}

interface Crd {
  kind?: string;
  spec?: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema?: Schema } }[] };
}

function fromCrds(files: readonly string[], out: string): number {
  let n = 0;
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as Crd | null;
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      for (const v of crd.spec.versions) {
        const schema = v.schema?.openAPIV3Schema;
        if (!schema) continue;
        const gvk = { group: crd.spec.group, version: v.name, kind: crd.spec.names.kind };
        // metadata is validated by the API server, not by the CRD's schema.
        const withMeta = { ...schema, properties: { ...(isObject(schema['properties']) ? schema['properties'] : {}), metadata: { type: 'object' } } };
        writeFileSync(join(out, schemaFileName(gvk)), JSON.stringify(pinKind(standalone(withMeta, {}, []) as Schema, gvk)));
        n++;
      }
    }
  }
  return n;
}

function main(argv: readonly string[]): void {
  const outIdx = argv.indexOf('--out');
  const out = outIdx >= 0 ? argv[outIdx + 1] : undefined;
  if (!out) throw new Error('usage: kube-schemas.ts (--swagger FILE | --crd FILE...) --out DIR');
  mkdirSync(out, { recursive: true });
  const swaggerIdx = argv.indexOf('--swagger');
  const swagger = swaggerIdx >= 0 ? argv[swaggerIdx + 1] : undefined;
  const crdIdx = argv.indexOf('--crd');
  const crds: string[] = [];
  for (let i = crdIdx + 1; crdIdx >= 0 && i < argv.length && !argv[i]!.startsWith('--'); i++) crds.push(argv[i]!);
  const n = (swagger ? fromSwagger(swagger, out) : 0) + fromCrds(crds, out);
  process.stderr.write(`kube-schemas: wrote ${n} schemas to ${out}\n`);
}

main(process.argv.slice(2));
