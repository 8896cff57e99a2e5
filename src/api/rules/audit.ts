import type { HerdRuleSpec } from '../../rules/schema.js';
import type { AuditEntry } from './types.js';

/** Which top-level spec fields changed, in words: "detector.minLift 3 → 4; paused false → true". */
export function describeChange(before: HerdRuleSpec | undefined, after: HerdRuleSpec | undefined): string {
  if (!before) return 'created';
  if (!after) return 'deleted';
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      return;
    }
    const show = (v: unknown) => (v === undefined ? '–' : JSON.stringify(v));
    out.push(`${path} ${show(a)} → ${show(b)}`);
  };
  walk(before, after, '');
  return out.length === 0 ? 'no change' : out.slice(0, 8).join('; ');
}

export function auditAction(before: HerdRuleSpec | undefined, after: HerdRuleSpec | undefined): AuditEntry['action'] {
  if (!before) return 'create';
  if (!after) return 'delete';
  if (before.paused !== after.paused) return after.paused ? 'pause' : 'resume';
  return 'update';
}

/** A bounded audit trail, newest first. */
export class AuditLog {
  private readonly entries: AuditEntry[] = [];

  constructor(private readonly capacity = 1_000) {}

  record(e: AuditEntry): void {
    this.entries.unshift(e);
    if (this.entries.length > this.capacity) this.entries.length = this.capacity;
  }

  list(): AuditEntry[] {
    return [...this.entries];
  }
}
