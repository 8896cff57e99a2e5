import type { HerdEvent } from '../events/schema.js';
import type { EventSink } from '../bus/types.js';
import type { ApiMetrics } from '../metrics/api.js';
import { hasCode } from '../errors.js';
import { retryable } from './errors.js';

/**
 * Wraps the bus so ingest never piles up memory and never answers 2xx for events the bus
 * did not acknowledge: a send that fails, takes longer than `timeoutMs`, or would exceed
 * `maxInFlight` concurrent sends becomes HW_ERR_BACKPRESSURE (503 + Retry-After).
 * A timed-out send keeps its slot until the bus settles it, so a hung bus fills the slots
 * and later requests are refused at once instead of queuing.
 */
export class GuardedSink {
  private inFlight = 0;

  constructor(
    private readonly sink: EventSink,
    private readonly opts: { timeoutMs: number; maxInFlight: number; retryAfterSec: number },
    private readonly metrics?: ApiMetrics,
  ) {}

  get pending(): number {
    return this.inFlight;
  }

  async send(events: readonly HerdEvent[]): Promise<void> {
    const refuse = (message: string, cause?: unknown) =>
      retryable('HW_ERR_BACKPRESSURE', this.opts.retryAfterSec, { message, ...(cause === undefined ? {} : { cause }) });
    if (this.inFlight >= this.opts.maxInFlight) throw refuse(`${this.inFlight} sends already waiting on the event bus`);
    this.inFlight++;
    this.metrics?.sinkInFlight.set(this.inFlight);
    let sending: Promise<void>;
    try {
      sending = Promise.resolve(this.sink.send(events));
    } catch (err) {
      sending = Promise.reject(err);
    }
    const release = () => {
      this.inFlight--;
      this.metrics?.sinkInFlight.set(this.inFlight);
    };
    sending.then(release, release);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(refuse(`event bus did not acknowledge within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
    });
    try {
      await Promise.race([sending, timeout]);
    } catch (err) {
      // Ours (timeout, full) already say when to retry; the bus's own refusal is given a Retry-After too.
      if (hasCode(err, 'HW_ERR_BACKPRESSURE') && err.retryAfterSec !== undefined) throw err;
      throw refuse(hasCode(err, 'HW_ERR_BACKPRESSURE') ? 'the event bus has too many events waiting' : 'event bus refused the events', err);
    } finally {
      clearTimeout(timer);
    }
  }
}
