import type { ChannelKind } from '../store/notify/types.js';

/**
 * When to try again after a failed attempt. Webhooks follow the Standard Webhooks schedule
 * (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first try, ±20 % jitter); the other
 * channels back off exponentially with full jitter from 1 s up to 5 min. `scale` shrinks
 * every delay (tests). A Retry-After from the receiver is honoured when it is longer.
 */
export interface BackoffPolicy {
  /** ms until the next try after failed attempt number `attempts` (1-based), or undefined: give up. */
  delay(kind: ChannelKind, attempts: number, retryAfterMs?: number): number | undefined;
}

export const WEBHOOK_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

export interface BackoffOptions {
  readonly scale?: number;
  /** Attempts before a non-webhook delivery is a dead letter. */
  readonly maxAttempts?: number;
  readonly baseMs?: number;
  readonly maxMs?: number;
  readonly random?: () => number;
}

export function backoffPolicy(o: BackoffOptions = {}): BackoffPolicy {
  const scale = o.scale ?? 1;
  const max = o.maxAttempts ?? 12;
  const base = o.baseMs ?? 1_000;
  const cap = o.maxMs ?? 300_000;
  const rnd = o.random ?? Math.random;
  return {
    delay(kind, attempts, retryAfterMs) {
      let d: number;
      if (kind === 'webhook') {
        const step = WEBHOOK_SCHEDULE_MS[attempts - 1];
        if (step === undefined) return undefined;
        d = step * (0.8 + 0.4 * rnd()) * scale;
      } else {
        if (attempts >= max) return undefined;
        const ceiling = Math.min(cap, base * 2 ** (attempts - 1));
        d = (ceiling / 2 + (ceiling / 2) * rnd()) * scale;
      }
      return Math.round(Math.max(d, retryAfterMs ?? 0));
    },
  };
}
