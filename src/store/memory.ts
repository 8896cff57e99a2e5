import type { Transition, TrendingSnapshot } from '../engine/types.js';
import { ruleMatches, type AlertQuery, type QueryStore, type StoreEvent } from './types.js';

/** The query store kept in memory: bounded recent transitions, latest snapshot per rule. */
export class MemoryQueryStore implements QueryStore {
  private readonly capacity: number;
  private readonly recent: Transition[] = [];
  private readonly seen = new Set<string>();
  private readonly latest = new Map<string, TrendingSnapshot>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  constructor(opts: { capacity?: number } = {}) {
    this.capacity = Math.max(1, opts.capacity ?? 1_000);
  }

  async sendAlerts(transitions: readonly Transition[]): Promise<void> {
    for (const t of transitions) {
      const id = `${t.id}|${t.state}|${t.escalation ?? 0}`;
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      this.recent.push(t);
      if (this.recent.length > this.capacity) {
        const old = this.recent.shift()!;
        this.seen.delete(`${old.id}|${old.state}|${old.escalation ?? 0}`);
      }
      this.emit({ kind: 'alert', transition: t });
    }
  }

  async sendTrends(snapshot: TrendingSnapshot): Promise<void> {
    const prev = this.latest.get(snapshot.ruleUid);
    // A replayed, older snapshot must not replace a newer one.
    if (prev && prev.at > snapshot.at) return;
    this.latest.set(snapshot.ruleUid, snapshot);
    this.emit({ kind: 'trending', snapshot });
  }

  /** A deleted rule (tombstones on the trends topic): it leaves /trending. */
  async retireTrends(rule: string): Promise<void> {
    for (const [uid, snap] of this.latest) if (snap.rule === rule) this.latest.delete(uid);
  }

  alerts(query: AlertQuery = {}): Transition[] {
    const out: Transition[] = [];
    const limit = query.limit ?? 100;
    for (let i = this.recent.length - 1; i >= 0 && out.length < limit; i--) {
      const t = this.recent[i]!;
      if (!ruleMatches(t.rule, query.rule)) continue;
      if (query.state && t.state !== query.state) continue;
      out.push(t);
    }
    return out;
  }

  trending(rule?: string): TrendingSnapshot[] {
    return [...this.latest.values()].filter((s) => ruleMatches(s.rule, rule)).sort((a, b) => a.rule.localeCompare(b.rule));
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: StoreEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // One broken listener (a closed stream) must not stop the others.
      }
    }
  }
}
