import { expectedOf } from '../events/describe.js';
import { DETECTOR_DEFAULTS } from './compile.js';
import { toJsonSchema, type JsonSchema } from './jsonschema.js';
import { HerdRuleSpecSchema, PATTERN_HINTS } from './schema.js';

/**
 * The field reference table in docs/rules.md, rendered from the schema so the documented
 * types, bounds and defaults cannot drift from what is enforced.
 */
function rows(node: JsonSchema, path: string, required: readonly string[], out: string[][]): void {
  const props = node.properties as Record<string, JsonSchema> | undefined;
  if (props === undefined) return;
  for (const [name, child] of Object.entries(props)) {
    const field = `${path}${name}`;
    const inDetector = path === 'detector.';
    const fallback = inDetector ? (DETECTOR_DEFAULTS as Record<string, unknown>)[name] : undefined;
    const dflt = child.default !== undefined ? child.default : fallback;
    const isArrayOfObjects = child.type === 'array' && (child.items as JsonSchema | undefined)?.type === 'object';
    const isObject = child.type === 'object' && child.properties !== undefined;
    const what = isObject ? 'object' : isArrayOfObjects ? 'list of objects' : expectedOf(child, PATTERN_HINTS);
    const req = required.includes(name) && child.default === undefined ? 'yes' : '';
    const text = String(child.description ?? '').replace(/\|/g, '\\|');
    out.push([`\`${field}\``, what.replace(/\|/g, '\\|'), req, dflt === undefined ? '' : `\`${JSON.stringify(dflt)}\``, text]);
    if (isObject) rows(child, `${field}.`, (child.required as string[] | undefined) ?? [], out);
    if (isArrayOfObjects) {
      const items = child.items as JsonSchema;
      rows(items, `${field}[].`, (items.required as string[] | undefined) ?? [], out);
    }
  }
}

export function renderFieldTable(): string {
  const spec = toJsonSchema(HerdRuleSpecSchema, 'form');
  const out: string[][] = [];
  rows(spec, '', (spec.required as string[] | undefined) ?? [], out);
  const lines = ['| field (under `spec`) | accepts | required | default | meaning |', '|---|---|---|---|---|'];
  for (const r of out) lines.push(`| ${r.join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
