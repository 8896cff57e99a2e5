import { silenceMatches } from '../store/notify/merge.js';
import type { AlertRecord, NotifyState, NotifierStore, Silence } from '../store/notify/types.js';

/**
 * Active silences, re-read from the store every few seconds (the API writes them, maybe in
 * another process). A silence mutes everything about its alert, rule or key; an ack mutes
 * escalations of an alert someone is already handling, but still lets its resolve through.
 */
export class SilenceCache {
  private list: Silence[] = [];
  private at = -Infinity;

  constructor(private readonly store: NotifierStore, private readonly clock: () => number, private readonly ttlMs = 2_000) {}

  async matching(alert: AlertRecord, state: NotifyState): Promise<Silence | undefined> {
    const now = this.clock();
    if (now - this.at > this.ttlMs) {
      this.list = await this.store.silences(now);
      this.at = now;
    }
    return this.list.find((s) => s.until > now && silenceMatches(s, alert) && (s.kind === 'silence' || state === 'escalated'));
  }
}
