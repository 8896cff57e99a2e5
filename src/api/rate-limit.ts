/**
 * A token bucket per client: `ratePerSec` tokens refill continuously up to `burst`; each
 * request takes one. Buckets idle long enough to be full again are forgotten, so the map
 * stays bounded by the number of recently active clients.
 */
export interface RateDecision {
  readonly allowed: boolean;
  /** Seconds until one token is available again (when refused). */
  readonly retryAfterSec: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly clock: () => number,
  ) {}

  take(client: string): RateDecision {
    if (this.ratePerSec <= 0) return { allowed: true, retryAfterSec: 0 };
    const now = this.clock();
    this.sweep(now);
    const b = this.buckets.get(client) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSec);
    b.at = now;
    this.buckets.set(client, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, retryAfterSec: 0 };
    }
    return { allowed: false, retryAfterSec: (1 - b.tokens) / this.ratePerSec };
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    const fullAfterMs = (this.burst / this.ratePerSec) * 1000;
    if (now - this.lastSweep < fullAfterMs) return;
    this.lastSweep = now;
    for (const [k, b] of this.buckets) if (now - b.at >= fullAfterMs) this.buckets.delete(k);
  }
}
