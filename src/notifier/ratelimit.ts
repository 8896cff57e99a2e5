/**
 * A token bucket per target: Slack asks for about one message per second per channel, with
 * short bursts tolerated. `reserve` takes a token and says how long to wait for it.
 */
export class TargetRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perSec: number, private readonly burst: number) {}

  /** ms to wait before sending (0 = now). The token is taken either way. */
  reserve(target: string, now: number): number {
    if (!(this.perSec > 0)) return 0;
    const b = this.buckets.get(target) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSec);
    b.at = now;
    b.tokens -= 1;
    this.buckets.set(target, b);
    return b.tokens >= 0 ? 0 : Math.ceil((-b.tokens / this.perSec) * 1000);
  }
}
