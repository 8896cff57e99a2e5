import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { CompiledRule } from '../engine/types.js';
import { HwError } from '../errors.js';
import type { FieldIssue } from '../events/describe.js';
import { compileRule } from './compile.js';
import { API_GROUP, type HerdRule } from './schema.js';
import { herdRuleIssues, RuleInvalidError } from './validate.js';

export interface LoadedRule {
  readonly rule: HerdRule;
  readonly compiled: CompiledRule;
  /** The file the rule came from. */
  readonly file: string;
  /** 0-based index of the YAML document within the file. */
  readonly document: number;
}

const RULE_FILE = /\.ya?ml$/i;

async function ruleFiles(pathOrDir: string): Promise<string[]> {
  let info;
  try {
    info = await stat(pathOrDir);
  } catch (err) {
    throw new HwError('HW_ERR_RULE_FILE', { source: pathOrDir, message: 'rule path does not exist or cannot be read', expected: 'a YAML file or a directory of *.yaml files', cause: err });
  }
  if (!info.isDirectory()) return [pathOrDir];
  const names = (await readdir(pathOrDir)).filter((n) => RULE_FILE.test(n)).sort();
  if (names.length === 0) {
    throw new HwError('HW_ERR_RULE_FILE', { source: pathOrDir, message: 'directory holds no rule files', expected: 'at least one *.yaml or *.yml file' });
  }
  return names.map((n) => join(pathOrDir, n));
}

/** Documents of another API group (a Secret next to a rule, say) are not rules and are skipped. */
function isForeign(doc: unknown): boolean {
  const v = (doc as { apiVersion?: unknown } | null)?.apiVersion;
  return typeof v === 'string' && !v.startsWith(`${API_GROUP}/`);
}

/**
 * Loads HerdRules from a YAML file or every *.yaml / *.yml in a directory (not recursive),
 * multi-document files included. Every problem in every file is reported at once, each
 * naming its file, document, field and what was expected.
 */
export async function loadRuleFiles(pathOrDir: string): Promise<LoadedRule[]> {
  const loaded: LoadedRule[] = [];
  const issues: (FieldIssue & { source: string })[] = [];
  const seen = new Map<string, string>();
  for (const file of await ruleFiles(pathOrDir)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new HwError('HW_ERR_RULE_FILE', { source: file, message: 'rule file cannot be read', cause: err });
    }
    const docs = parseAllDocuments(text, { prettyErrors: true });
    if (!Array.isArray(docs)) continue; // an empty file
    docs.forEach((doc, index) => {
      const source = docs.length > 1 ? `${file} (document ${index + 1})` : file;
      const syntax = doc.errors[0];
      if (syntax !== undefined) {
        throw new HwError('HW_ERR_RULE_FILE', { source, message: `YAML syntax error: ${syntax.message}`, expected: 'valid YAML' });
      }
      const value: unknown = doc.toJS();
      if (value === null || value === undefined || isForeign(value)) return;
      const r = herdRuleIssues(value);
      if (r.issues.length > 0) {
        issues.push(...r.issues.map((i) => ({ ...i, source })));
        return;
      }
      const namespace = r.rule.metadata.namespace ?? 'default';
      const name = r.rule.metadata.name;
      const id = `${namespace}/${name}`;
      const before = seen.get(id);
      if (before !== undefined) {
        issues.push({ source, field: '/metadata/name', expected: 'a name unique within its namespace', message: `${id} is already defined in ${before}` });
        return;
      }
      seen.set(id, source);
      const rule: HerdRule = { ...r.rule, metadata: { ...r.rule.metadata, namespace } };
      const compiled = compileRule({ uid: rule.metadata.uid ?? `file:${id}`, namespace, name }, rule.spec);
      loaded.push({ rule, compiled, file, document: index });
    });
  }
  if (issues.length > 0) {
    const files = [...new Set(issues.map((i) => basename(i.source)))];
    throw new RuleInvalidError(issues, files.length === 1 ? issues[0]!.source : undefined);
  }
  return loaded;
}
