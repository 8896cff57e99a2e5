import type { HerdRule } from '../rules/schema.js';
import { isStatus, objectPath, RESOURCES, type KubeRequester } from './kube.js';

/**
 * While a rule carries this finalizer, its deletion waits for the operator to retire the
 * rule's trending snapshots (tombstones on the compacted trends topic), so a deleted rule
 * leaves /trending instead of showing its last snapshot forever.
 */
export const TRENDS_FINALIZER = 'herdwatch.io/trends';

/** What the operator needs to retire a deleted rule's snapshots. */
export interface RetiringRule {
  /** `namespace/name`, as the detector names the rule in its snapshots. */
  readonly rule: string;
  /** Partitions of the rule's source topic. */
  readonly partitions: number;
}

export type RetireTrends = (r: RetiringRule) => Promise<void>;

type Meta = HerdRule['metadata'] & { finalizers?: string[]; resourceVersion?: string };

export function hasFinalizer(rule: HerdRule): boolean {
  return ((rule.metadata as Meta).finalizers ?? []).includes(TRENDS_FINALIZER);
}

/**
 * Adds or removes the finalizer with a merge patch that names the resourceVersion it read,
 * so a concurrent change of the list makes it fail (409, retried) instead of clobbering it.
 */
export async function setFinalizer(kube: KubeRequester, rule: HerdRule, present: boolean): Promise<void> {
  const meta = rule.metadata as Meta;
  const others = (meta.finalizers ?? []).filter((f) => f !== TRENDS_FINALIZER);
  try {
    await kube.request('PATCH', objectPath(RESOURCES.herdRules, meta.namespace ?? 'default', meta.name), {
      body: { metadata: { finalizers: present ? [...others, TRENDS_FINALIZER] : others, ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}) } },
      contentType: 'application/merge-patch+json',
    });
  } catch (err) {
    if (!present && isStatus(err, 404)) return; // already gone
    throw err;
  }
}
