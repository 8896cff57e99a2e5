import type { HerdRuleSpec, HerdRuleStatus } from '../../rules/schema.js';

/** Who asks: the token's user (or the SSO proxy's), and the groups Kubernetes should see. */
export interface Caller {
  readonly user: string;
  readonly groups: readonly string[];
}

/** A rule as the rules API shows it. */
export interface RuleDoc {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly spec: HerdRuleSpec;
  readonly status?: HerdRuleStatus | { ready?: boolean; message?: string };
  readonly resourceVersion?: string;
  /** The rule file it came from (dev). */
  readonly file?: string;
}

export interface AuditEntry {
  readonly at: number;
  readonly actor: string;
  readonly action: 'create' | 'update' | 'delete' | 'pause' | 'resume';
  readonly rule: string;
  readonly summary: string;
}

export interface WriteOptions {
  /** Validate and authorise only; change nothing. */
  readonly dryRun?: boolean;
}

export interface RuleWrite {
  readonly namespace: string;
  readonly name: string;
  readonly spec: unknown;
  /** Optimistic concurrency: the version the caller edited (409 when it moved on). */
  readonly resourceVersion?: string;
}

/**
 * Where rules live: in memory (dev, optionally written back to the rules directory) or in
 * Kubernetes as HerdRule resources, written as the calling user. Errors are HwErrors:
 * HW_ERR_RULE_INVALID (with every issue), HW_ERR_FORBIDDEN, HW_ERR_NOT_FOUND, HW_ERR_CONFLICT.
 */
export interface RuleRepository {
  readonly backend: 'memory' | 'kubernetes';
  readonly defaultNamespace: string;
  list(caller: Caller): Promise<RuleDoc[]>;
  get(caller: Caller, namespace: string, name: string): Promise<RuleDoc>;
  create(caller: Caller, rule: RuleWrite, opts?: WriteOptions): Promise<RuleDoc>;
  update(caller: Caller, rule: RuleWrite, opts?: WriteOptions): Promise<RuleDoc>;
  delete(caller: Caller, namespace: string, name: string, opts?: WriteOptions): Promise<void>;
  audit(caller: Caller): Promise<AuditEntry[]>;
}
