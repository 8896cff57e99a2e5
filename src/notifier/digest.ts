import { minuteOf } from '../store/notify/merge.js';
import type { Delivery, NotifierStore } from '../store/notify/types.js';

/**
 * Storm digests. Each instance counts sends per target and minute; past the limit, further
 * alerts of that minute become one digest row, sent when the minute is over. The digest row
 * is an ordinary outbox row (unique id per target and minute), so it is claimed, retried
 * and never lost like any other.
 */
/** A delivery joining at the last moment of the minute is written before its digest goes out. */
const GRACE_MS = 2_000;

export class Digests {
  private readonly sent = new Map<string, { minute: number; n: number }>();

  constructor(private readonly store: NotifierStore, private readonly perMinute: number) {}

  over(target: string, now: number): boolean {
    if (this.perMinute <= 0) return false;
    const c = this.sent.get(target);
    return c !== undefined && c.minute === minuteOf(now) && c.n >= this.perMinute;
  }

  count(target: string, now: number): void {
    const minute = minuteOf(now);
    const c = this.sent.get(target);
    if (c && c.minute === minute) c.n++;
    else this.sent.set(target, { minute, n: 1 });
  }

  /** Adds `d` to this minute's digest of its target; returns the digest row's id. */
  async add(d: Delivery, now: number): Promise<string> {
    const minute = minuteOf(now);
    const id = `digest:${d.target}|digest@${minute}|${d.target}`;
    await this.store.enqueue([{
      id, alertId: `digest:${d.target}`, transition: `digest@${minute}`, state: 'firing', channel: d.channel, target: d.target,
      rule: d.rule, ruleUid: d.ruleUid, key: '*', status: 'pending', attempts: 0, nextAt: minute + 60_000 + GRACE_MS, createdAt: now, digest: id,
    }]);
    return id;
  }
}
