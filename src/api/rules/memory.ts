import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { HwError } from '../../errors.js';
import { compileRule, herdRuleIssues, RuleInvalidError, type LoadedRule } from '../../rules/index.js';
import { API_GROUP, API_VERSION, KIND, type HerdRule } from '../../rules/schema.js';
import { AuditLog, auditAction, describeChange } from './audit.js';
import type { Caller, RuleDoc, RuleRepository, RuleWrite, WriteOptions } from './types.js';

export interface MemoryRulesOptions {
  readonly rules: readonly LoadedRule[];
  /** Called after every change with the rules now in force (dev swaps its detectors). */
  readonly onChange?: (rules: readonly LoadedRule[]) => void;
  /** When set, every change is also written to `<dir>/<namespace>-<name>.yaml` (and deleted with the rule). */
  readonly saveDir?: string;
  readonly clock?: () => number;
}

function toDoc(l: LoadedRule, version: number): RuleDoc {
  return { namespace: l.compiled.namespace, name: l.compiled.name, uid: l.compiled.uid, spec: l.rule.spec, resourceVersion: String(version), file: l.file };
}

/**
 * The rules of `herdwatch dev`: in memory, validated exactly as rule files and the CRD are,
 * each change audited and handed to the running detectors; optionally saved back to disk.
 */
export class MemoryRuleRepository implements RuleRepository {
  readonly backend = 'memory' as const;
  readonly defaultNamespace = 'default';
  private readonly rules = new Map<string, { loaded: LoadedRule; version: number }>();
  private readonly log = new AuditLog();
  private version = 1;
  private readonly clock: () => number;

  constructor(private readonly o: MemoryRulesOptions) {
    for (const l of o.rules) this.rules.set(`${l.compiled.namespace}/${l.compiled.name}`, { loaded: l, version: this.version });
    this.clock = o.clock ?? Date.now;
  }

  async list(): Promise<RuleDoc[]> {
    return [...this.rules.values()].map((r) => toDoc(r.loaded, r.version)).sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  }

  async get(_caller: Caller, namespace: string, name: string): Promise<RuleDoc> {
    const r = this.rules.get(`${namespace}/${name}`);
    if (!r) throw new HwError('HW_ERR_NOT_FOUND', { field: 'name', message: `no rule ${namespace}/${name}` });
    return toDoc(r.loaded, r.version);
  }

  async create(caller: Caller, w: RuleWrite, opts: WriteOptions = {}): Promise<RuleDoc> {
    const id = `${w.namespace}/${w.name}`;
    const base = w.namespace === 'default' ? w.name : `${w.namespace}-${w.name}`;
    const loaded = this.validate(w, this.o.saveDir ? join(this.o.saveDir, `${base}.yaml`) : `memory:${id}`);
    if (this.rules.has(id)) throw new HwError('HW_ERR_CONFLICT', { field: '/metadata/name', expected: 'a name not used in this namespace', message: `rule ${id} exists already` });
    if (opts.dryRun) return toDoc(loaded, 0);
    return this.commit(caller, id, undefined, loaded);
  }

  async update(caller: Caller, w: RuleWrite, opts: WriteOptions = {}): Promise<RuleDoc> {
    const id = `${w.namespace}/${w.name}`;
    const prev = this.rules.get(id);
    if (!prev) throw new HwError('HW_ERR_NOT_FOUND', { field: 'name', message: `no rule ${id}` });
    if (w.resourceVersion !== undefined && w.resourceVersion !== String(prev.version)) {
      throw new HwError('HW_ERR_CONFLICT', { field: '/metadata/resourceVersion', expected: `version ${prev.version}`, message: `rule ${id} was changed meanwhile` });
    }
    const loaded = this.validate(w, prev.loaded.file, prev.loaded.compiled.uid);
    if (opts.dryRun) return toDoc(loaded, prev.version);
    return this.commit(caller, id, prev.loaded, loaded);
  }

  async delete(caller: Caller, namespace: string, name: string, opts: WriteOptions = {}): Promise<void> {
    const id = `${namespace}/${name}`;
    const prev = this.rules.get(id);
    if (!prev) throw new HwError('HW_ERR_NOT_FOUND', { field: 'name', message: `no rule ${id}` });
    if (opts.dryRun) return;
    this.rules.delete(id);
    this.log.record({ at: this.clock(), actor: caller.user, action: 'delete', rule: id, summary: 'deleted' });
    if (this.savable(prev.loaded)) await rm(prev.loaded.file, { force: true });
    this.o.onChange?.(this.loaded());
  }

  async audit(): Promise<ReturnType<AuditLog['list']>> {
    return this.log.list();
  }

  /** Only files in the save directory that hold this one rule are rewritten (never a multi-rule file). */
  private savable(l: LoadedRule): boolean {
    if (!this.o.saveDir || l.document !== 0 || resolve(dirname(l.file)) !== resolve(this.o.saveDir)) return false;
    return [...this.rules.values()].filter((r) => r.loaded.file === l.file).length <= 1;
  }

  loaded(): LoadedRule[] {
    return [...this.rules.values()].map((r) => r.loaded);
  }

  private validate(w: RuleWrite, file: string, uid?: string): LoadedRule {
    const obj = { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: KIND, metadata: { name: w.name, namespace: w.namespace }, spec: w.spec };
    const r = herdRuleIssues(obj);
    if (r.issues.length > 0) throw new RuleInvalidError(r.issues);
    const rule: HerdRule = r.rule;
    const compiled = compileRule({ uid: uid ?? `file:${w.namespace}/${w.name}`, namespace: w.namespace, name: w.name }, rule.spec);
    return { rule, compiled, file, document: 0 };
  }

  private async commit(caller: Caller, id: string, before: LoadedRule | undefined, after: LoadedRule): Promise<RuleDoc> {
    const version = ++this.version;
    this.rules.set(id, { loaded: after, version });
    this.log.record({ at: this.clock(), actor: caller.user, action: auditAction(before?.rule.spec, after.rule.spec), rule: id, summary: describeChange(before?.rule.spec, after.rule.spec) });
    if (this.savable(after)) {
      await mkdir(dirname(after.file), { recursive: true });
      const { namespace, name } = after.compiled;
      await writeFile(after.file, stringify({ apiVersion: after.rule.apiVersion, kind: after.rule.kind, metadata: { name, namespace }, spec: after.rule.spec }));
    }
    this.o.onChange?.(this.loaded());
    return toDoc(after, version);
  }
}
