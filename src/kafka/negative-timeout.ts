import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (unmaintained) schedules its request-queue check after `throttledUntil - now`
 * while `throttledUntil` is still its initial -1, so every connection calls setTimeout with
 * about minus the epoch in milliseconds; Node 24 clamps that to 1 ms and prints a
 * TimeoutNegativeWarning. This replaces that one method with the same schedule, clamped at 0:
 * a throttle that ended (or never began) means "check now". Applied once, on first use.
 */
interface RequestQueue {
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's own interval for re-checking a queue that still holds requests. */
const PENDING_CHECK_MS = 10;
const PATCHED = Symbol.for('herdwatch.kafkajs.clampedTimeout');
const require = createRequire(import.meta.url);

export function clampKafkaJsQueueTimeout(): void {
  const { prototype } = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue & { [PATCHED]?: true } };
  if (prototype[PATCHED]) return;
  prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueue) {
    if (this.throttleCheckTimeoutId) return;
    const throttleLeft = this.throttledUntil - Date.now();
    const delay = throttleLeft > 0 ? throttleLeft : this.pending.length > 0 ? PENDING_CHECK_MS : 0;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delay);
  };
  prototype[PATCHED] = true;
}
