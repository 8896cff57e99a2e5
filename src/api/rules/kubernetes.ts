import { hasCode, HwError } from '../../errors.js';
import type { FieldIssue } from '../../events/describe.js';
import { type KubeError, objectPath, collectionPath, RESOURCES, type KubeRequester } from '../../operator/kube.js';
import { RuleInvalidError } from '../../rules/index.js';
import { API_GROUP, API_VERSION, KIND, type HerdRule } from '../../rules/schema.js';
import { AuditLog, auditAction, describeChange } from './audit.js';
import type { AuditEntry, Caller, RuleDoc, RuleRepository, RuleWrite, WriteOptions } from './types.js';

const LAST_CHANGED_BY = 'herdwatch.io/last-changed-by';

export interface KubeRulesOptions {
  readonly kube: KubeRequester;
  /** Where rules are listed when the caller may not list cluster-wide, and created without a namespace. */
  readonly defaultNamespace: string;
  /** Groups every impersonated caller is also given (e.g. "herdwatch:editors"); Kubernetes adds system:authenticated. */
  readonly extraGroups?: readonly string[];
  readonly clock?: () => number;
}

function toDoc(r: HerdRule): RuleDoc {
  const ready = r.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    namespace: r.metadata.namespace ?? 'default', name: r.metadata.name, uid: r.metadata.uid ?? '', spec: r.spec,
    ...(r.metadata.resourceVersion ? { resourceVersion: r.metadata.resourceVersion } : {}),
    ...(r.status ? { status: { ...r.status, ...(ready ? { ready: ready.status === 'True', reason: ready.reason, message: ready.message } : {}) } } : {}),
  };
}

/** `spec.detector.maxEvents` (or `spec.channels[0]`) → `/spec/detector/maxEvents`. */
function pointer(field: string | undefined): string {
  if (!field) return '/spec';
  return `/${field.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean).join('/')}`;
}

/**
 * The API server's answer in HerdWatch's terms: 422 Invalid (schema and CEL rules alike) with
 * every cause as a field issue, 403 with the server's own words about what RBAC refused.
 */
export function fromKube(err: unknown, what: string): unknown {
  if (!hasCode(err, 'HW_ERR_KUBE_API')) return err;
  const k = err as KubeError;
  const said = k.statusMessage ?? k.message;
  switch (k.statusCode) {
    case 422: {
      const issues: FieldIssue[] = (k.causes ?? []).map((c) => ({ field: pointer(c.field), expected: c.message ?? 'a valid value', message: `${c.message ?? 'invalid'} (Kubernetes API server)` }));
      return new RuleInvalidError(issues.length > 0 ? issues : [{ field: '/spec', expected: 'a valid HerdRule', message: said }], what);
    }
    case 401:
    case 403:
      return new HwError('HW_ERR_FORBIDDEN', { field: 'authorization', expected: 'RBAC permission for this change', message: `Kubernetes refused: ${said}` });
    case 404:
      return new HwError('HW_ERR_NOT_FOUND', { field: 'name', message: `${what} does not exist` });
    case 409:
      return new HwError('HW_ERR_CONFLICT', { field: '/metadata/resourceVersion', expected: 'the current version', message: said });
    default:
      return err;
  }
}

/**
 * HerdRules in Kubernetes, read and written AS THE CALLER: every request impersonates the
 * caller's user (and groups), so the cluster's RBAC decides and the API has no privileged
 * path. Every write is first sent with dryRun=All, so the API server's validation (schema
 * and CEL) answers before anything changes.
 */
export class KubeRuleRepository implements RuleRepository {
  readonly backend = 'kubernetes' as const;
  readonly defaultNamespace: string;
  private readonly log = new AuditLog();
  private readonly clock: () => number;

  constructor(private readonly o: KubeRulesOptions) {
    this.defaultNamespace = o.defaultNamespace;
    this.clock = o.clock ?? Date.now;
  }

  private as(caller: Caller) {
    const groups = [...caller.groups, ...(this.o.extraGroups ?? [])];
    return { 'Impersonate-User': caller.user, ...(groups.length > 0 ? { 'Impersonate-Group': groups } : {}) };
  }

  private async call<T>(caller: Caller, what: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, opts: { body?: unknown; dryRun?: boolean } = {}): Promise<T> {
    try {
      return await this.o.kube.request<T>(method, path, {
        headers: this.as(caller),
        ...(opts.body === undefined ? {} : { body: opts.body }),
        ...(opts.dryRun ? { query: { dryRun: 'All' } } : {}),
      });
    } catch (err) {
      throw fromKube(err, what);
    }
  }

  async list(caller: Caller): Promise<RuleDoc[]> {
    let list: { items: HerdRule[] };
    try {
      list = await this.call(caller, 'rules', 'GET', collectionPath(RESOURCES.herdRules));
    } catch (err) {
      // Someone who may only read one namespace still sees that namespace's rules.
      if ((err as { code?: string }).code !== 'HW_ERR_FORBIDDEN') throw err;
      list = await this.call(caller, 'rules', 'GET', collectionPath(RESOURCES.herdRules, this.defaultNamespace));
    }
    return list.items.map(toDoc).sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  }

  async get(caller: Caller, namespace: string, name: string): Promise<RuleDoc> {
    return toDoc(await this.call<HerdRule>(caller, `rule ${namespace}/${name}`, 'GET', objectPath(RESOURCES.herdRules, namespace, name)));
  }

  async create(caller: Caller, w: RuleWrite, opts: WriteOptions = {}): Promise<RuleDoc> {
    const body = { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: KIND, metadata: { name: w.name, namespace: w.namespace, annotations: { [LAST_CHANGED_BY]: caller.user } }, spec: w.spec };
    const what = `rule ${w.namespace}/${w.name}`;
    const path = collectionPath(RESOURCES.herdRules, w.namespace);
    const dry = await this.call<HerdRule>(caller, what, 'POST', path, { body, dryRun: true });
    if (opts.dryRun) return toDoc(dry);
    const made = await this.call<HerdRule>(caller, what, 'POST', path, { body });
    this.audit_(caller, 'create', w, undefined, made.spec);
    return toDoc(made);
  }

  async update(caller: Caller, w: RuleWrite, opts: WriteOptions = {}): Promise<RuleDoc> {
    const what = `rule ${w.namespace}/${w.name}`;
    const path = objectPath(RESOURCES.herdRules, w.namespace, w.name);
    const current = await this.call<HerdRule>(caller, what, 'GET', path);
    const body = {
      ...current,
      metadata: { ...current.metadata, resourceVersion: w.resourceVersion ?? current.metadata.resourceVersion, annotations: { ...current.metadata.annotations, [LAST_CHANGED_BY]: caller.user } },
      spec: w.spec,
    };
    delete (body as { status?: unknown }).status;
    const dry = await this.call<HerdRule>(caller, what, 'PUT', path, { body, dryRun: true });
    if (opts.dryRun) return toDoc(dry);
    const saved = await this.call<HerdRule>(caller, what, 'PUT', path, { body });
    this.audit_(caller, auditAction(current.spec, saved.spec), w, current.spec, saved.spec);
    return toDoc(saved);
  }

  async delete(caller: Caller, namespace: string, name: string, opts: WriteOptions = {}): Promise<void> {
    const what = `rule ${namespace}/${name}`;
    const path = objectPath(RESOURCES.herdRules, namespace, name);
    await this.call(caller, what, 'DELETE', path, { dryRun: true });
    if (opts.dryRun) return;
    await this.call(caller, what, 'DELETE', path);
    this.log.record({ at: this.clock(), actor: caller.user, action: 'delete', rule: `${namespace}/${name}`, summary: 'deleted' });
  }

  /** Changes made through this API process (the cluster's audit log has every change). */
  async audit(): Promise<AuditEntry[]> {
    return this.log.list();
  }

  private audit_(caller: Caller, action: AuditEntry['action'], w: RuleWrite, before: HerdRule['spec'] | undefined, after: HerdRule['spec']): void {
    this.log.record({ at: this.clock(), actor: caller.user, action, rule: `${w.namespace}/${w.name}`, summary: describeChange(before, after) });
  }
}
