import { createHash } from 'node:crypto';
import type { NotifierStore } from '../store/notify/types.js';

/** A stable, non-secret name of an endpoint (its URL never reaches the store). */
export const endpointId = (url: string): string => createHash('sha256').update(url).digest('base64url').slice(0, 22);

/**
 * Targets whose receiver answered 410 Gone. The store keeps them, so a restart or another
 * replica does not send there again; each instance caches what it read for `ttlMs` (a target
 * disabled by another replica is honoured within that time — until then a send there would at
 * worst earn one more 410). A disablement holds only for the endpoint that answered 410: a new URL
 * in the target's Secret enables it again.
 */
export class DisabledTargets {
  private readonly cache = new Map<string, { readAt: number; endpoint?: string; reason?: string }>();

  constructor(private readonly store: NotifierStore, private readonly clock: () => number, private readonly ttlMs = 30_000) {}

  /** Why `target` at `endpoint` is disabled, or undefined when it may be sent to. */
  async reason(target: string, endpoint: string): Promise<string | undefined> {
    const now = this.clock();
    let hit = this.cache.get(target);
    if (!hit || now - hit.readAt > this.ttlMs) {
      const d = await this.store.disabledTarget(target);
      hit = { readAt: now, ...(d ? { endpoint: d.endpoint, reason: d.reason } : {}) };
      this.cache.set(target, hit);
    }
    return hit.endpoint === endpoint ? hit.reason : undefined;
  }

  async disable(target: string, endpoint: string, reason: string): Promise<void> {
    const at = this.clock();
    await this.store.disableTarget({ target, endpoint, reason, at });
    this.cache.set(target, { readAt: at, endpoint, reason });
  }
}
