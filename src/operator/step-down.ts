import type { Clock } from './clock.js';

/**
 * How long each shutdown step may take once the lease is lost. A replica that lost the lease
 * must go (Kubernetes restarts it as a clean follower); a write that was frozen mid-send, or a
 * watch on a dead connection, must not keep a deposed leader alive. A graceful stop (SIGTERM)
 * is not bounded here: the pod's termination grace period bounds it.
 */
export const LOST_LEASE_GRACE_MS = 5_000;

/**
 * Waits for `step`, but at most `ms` on `clock`; a step still running then is left behind
 * (`onLate` says which) and a step that fails is reported the same way. Never throws.
 */
export async function settleWithin(step: Promise<unknown>, ms: number, clock: Clock, onLate: (err?: unknown) => void): Promise<void> {
  let timer: unknown;
  const late = new Promise<'late'>((resolve) => { timer = clock.setTimeout(() => resolve('late'), ms); });
  try {
    const outcome = await Promise.race([step.then(() => 'done' as const), late]);
    if (outcome === 'late') onLate();
  } catch (err) {
    onLate(err);
  } finally {
    clock.clearTimeout(timer);
  }
}
