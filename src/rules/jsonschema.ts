import type { TSchema } from '@sinclair/typebox';

/**
 * TypeBox schemas → plain JSON Schema for two readers: a Kubernetes structural schema
 * (`crd`) and the UI form (`form`). Anything TypeBox-internal is dropped; anything the CRD
 * cannot express throws, so a schema change that breaks the CRD fails at generation time.
 */
export type Flavour = 'crd' | 'form';
export type JsonSchema = { [key: string]: unknown };

const KEEP = new Set([
  'type', 'description', 'default', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'format',
  'minItems', 'maxItems', 'minProperties', 'maxProperties', 'title',
]);
// Formats the API server validates (kube-openapi); others would be silently ignored there.
const K8S_FORMATS = new Set(['date-time', 'email', 'uri', 'hostname', 'ipv4', 'ipv6', 'cidr', 'uuid', 'byte', 'date', 'duration']);
const DROP = new Set(['$id', '$schema', 'additionalProperties', 'patternProperties', 'uniqueItems', 'anyOf', 'const', 'properties', 'required', 'items']);

function fail(path: string, what: string): never {
  throw new Error(`schema at ${path || '/'}: ${what} cannot be expressed in a structural CRD schema`);
}

export function toJsonSchema(schema: TSchema, flavour: Flavour, path = ''): JsonSchema {
  // A JSON round trip drops TypeBox's symbol-keyed internals ([Kind], [OptionalKind], ...).
  const s = JSON.parse(JSON.stringify(schema)) as JsonSchema;
  return convert(s, flavour, path);
}

function convert(s: JsonSchema, flavour: Flavour, path: string): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(s)) {
    if (KEEP.has(k)) out[k] = v;
    else if (!DROP.has(k)) fail(path, `keyword "${k}"`);
  }
  if (typeof s.format === 'string' && flavour === 'crd' && !K8S_FORMATS.has(s.format)) delete out.format;

  const anyOf = s.anyOf as JsonSchema[] | undefined;
  if (anyOf !== undefined) {
    const consts = anyOf.map((m) => m.const);
    if (consts.some((c) => typeof c !== 'string')) fail(path, 'a union that is not of string literals');
    return { type: 'string', enum: consts, ...out };
  }
  if (s.const !== undefined) {
    if (typeof s.const !== 'string') fail(path, 'a non-string literal');
    return { type: 'string', enum: [s.const], ...out };
  }
  if (s.type === 'object') {
    const props = s.properties as Record<string, JsonSchema> | undefined;
    const pattern = s.patternProperties as Record<string, JsonSchema> | undefined;
    if (props !== undefined) {
      out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, convert(v, flavour, `${path}/${k}`)]));
      // In a CRD a field with a default is filled in before validation; requiring it only confuses `kubectl explain`.
      const required = ((s.required as string[] | undefined) ?? []).filter((k) => flavour === 'form' || props[k]?.default === undefined);
      if (required.length > 0) out.required = required;
      if (flavour === 'form' && s.additionalProperties === false) out.additionalProperties = false;
    } else if (pattern !== undefined) {
      const values = Object.values(pattern);
      if (values.length !== 1) fail(path, 'several patternProperties');
      out.additionalProperties = convert(values[0]!, flavour, `${path}/*`);
    }
  }
  if (s.type === 'array') {
    const items = s.items as JsonSchema | undefined;
    if (items === undefined) fail(path, 'an array without items');
    out.items = convert(items, flavour, `${path}/items`);
    if (s.uniqueItems === true) {
      // The API server rejects uniqueItems (quadratic); a set list type enforces the same for scalars.
      if (flavour === 'crd') out['x-kubernetes-list-type'] = 'set';
      else out.uniqueItems = true;
    }
  }
  return out;
}

/** The node at a JSON pointer inside a converted schema; arrays resolve to their items. */
export function nodeAt(root: JsonSchema, pointer: string): JsonSchema {
  let node = root;
  for (const part of pointer.split('/').filter(Boolean)) {
    const next = (node.properties as Record<string, JsonSchema> | undefined)?.[part];
    if (next === undefined) throw new Error(`no schema node at ${pointer}`);
    node = next;
  }
  return node.type === 'array' ? (node.items as JsonSchema) : node;
}
