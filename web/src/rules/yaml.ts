/**
 * A YAML rendering of plain JSON data (what a rule spec is), for the read-only YAML view
 * and the diff. Strings are quoted whenever plain YAML could read them as something else.
 */
function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  const plain = /^[A-Za-z_][A-Za-z0-9_ ./@#-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) && !/\s$/.test(s) && !s.includes(': ') && !s.includes(' #');
  return plain ? s : JSON.stringify(s);
}

function isEmpty(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
}

function emit(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      if (typeof item === 'object' && item !== null && !isEmpty(item)) {
        const sub: string[] = [];
        emit(item, `${indent}  `, sub);
        out.push(`${indent}- ${sub[0]!.trimStart()}`, ...sub.slice(1));
      } else out.push(`${indent}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
    }
    return;
  }
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val === undefined) continue;
    if (typeof val === 'object' && val !== null && !isEmpty(val)) {
      out.push(`${indent}${scalar(k)}:`);
      emit(val, `${indent}  `, out);
    } else out.push(`${indent}${scalar(k)}: ${isEmpty(val) ? (Array.isArray(val) ? '[]' : '{}') : scalar(val)}`);
  }
}

export function toYaml(value: unknown): string {
  const out: string[] = [];
  emit(value, '', out);
  return `${out.join('\n')}\n`;
}

/** The whole HerdRule object as it would be applied with kubectl. */
export function herdRuleYaml(namespace: string, name: string, spec: unknown): string {
  return toYaml({ apiVersion: 'herdwatch.io/v1alpha1', kind: 'HerdRule', metadata: { name, namespace }, spec });
}
