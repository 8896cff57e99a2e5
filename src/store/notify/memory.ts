import { decodeCursor, encodeCursor, foldGroups, groupOf, mergeTransition, report, ruleMatch } from './merge.js';
import {
  TERMINAL, type AlertListQuery, type AlertPage, type AlertRecord, type AlertTransition, type ChannelKind, type Delivery, type DeliveryOutcome,
  DEFAULT_RETENTION, type KpiBucket, type KpiReport, type KpiStep, type NotifierStore, type OutboxStats, type RetentionPolicy, type Silence, type SweepResult, type DisabledTarget,
  type TransactionRecord,
} from './types.js';

/** The notifier store in memory: `dev` without --mongodb, and unit tests. Same contract as MongoDB. */
export class MemoryNotifierStore implements NotifierStore {
  private readonly alertsById = new Map<string, AlertRecord>();
  private readonly rows = new Map<string, Delivery>();
  private readonly silenceById = new Map<string, Silence>();
  private readonly disabled = new Map<string, DisabledTarget>();
  private readonly txById = new Map<string, TransactionRecord>();
  private readonly kpiByMinute = new Map<number, KpiBucket>();

  constructor(private readonly retention: RetentionPolicy = DEFAULT_RETENTION) {}

  async init(): Promise<void> {}

  async recordTransition(t: AlertTransition, now: number): Promise<AlertRecord> {
    const { record } = mergeTransition(this.alertsById.get(t.id), t, now);
    this.alertsById.set(t.id, record);
    return record;
  }

  async enqueue(rows: readonly Delivery[]): Promise<number> {
    let n = 0;
    for (const r of rows) {
      if (this.rows.has(r.id)) continue;
      this.rows.set(r.id, r);
      n++;
    }
    return n;
  }

  async claim(owner: string, now: number, leaseMs: number, opts: { excludeTargets?: readonly string[] } = {}): Promise<Delivery | undefined> {
    const excluded = new Set(opts.excludeTargets ?? []);
    let best: Delivery | undefined;
    for (const d of this.rows.values()) {
      const due = (d.status === 'pending' && d.nextAt <= now) || (d.status === 'claimed' && (d.claimUntil ?? 0) < now);
      if (!due || excluded.has(d.target)) continue;
      if (!best || d.nextAt < best.nextAt) best = d;
    }
    if (!best) return undefined;
    const claimed: Delivery = { ...best, status: 'claimed', claimedBy: owner, claimUntil: now + leaseMs };
    this.rows.set(best.id, claimed);
    return claimed;
  }

  async finish(id: string, owner: string, o: DeliveryOutcome): Promise<boolean> {
    const d = this.rows.get(id);
    if (!d || d.status !== 'claimed' || d.claimedBy !== owner) return false;
    const { claimedBy: _c, claimUntil: _u, ...rest } = d;
    const { attempted, ...fields } = o;
    this.rows.set(id, { ...rest, ...fields, attempts: d.attempts + (attempted === false ? 0 : 1), nextAt: o.nextAt ?? d.nextAt });
    return true;
  }

  async releaseClaims(ownerPrefix: string): Promise<number> {
    let n = 0;
    for (const d of this.rows.values()) {
      if (d.status !== 'claimed' || !d.claimedBy?.startsWith(ownerPrefix)) continue;
      const { claimedBy: _c, claimUntil: _u, ...rest } = d;
      this.rows.set(d.id, { ...rest, status: 'pending' });
      n++;
    }
    return n;
  }

  async delivery(id: string): Promise<Delivery | undefined> {
    return this.rows.get(id);
  }

  async deliveries(alertId: string): Promise<Delivery[]> {
    return [...this.rows.values()].filter((d) => d.alertId === alertId).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async digested(digestId: string): Promise<Delivery[]> {
    return [...this.rows.values()].filter((d) => d.digest === digestId && d.id !== digestId).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async alert(id: string): Promise<AlertRecord | undefined> {
    return this.alertsById.get(id);
  }

  async alerts(q: AlertListQuery): Promise<AlertPage> {
    const after = decodeCursor(q.cursor);
    const limit = q.limit ?? 50;
    const all = [...this.alertsById.values()]
      .filter((a) => ruleMatch(a.rule, q.rule) && (q.key === undefined || a.key === q.key) && (q.state === undefined || a.state === q.state)
        && (q.from === undefined || a.lastAt >= q.from) && (q.to === undefined || a.lastAt < q.to)
        && (after === undefined || a.lastAt < after.lastAt || (a.lastAt === after.lastAt && a.id < after.id)))
      .sort((a, b) => b.lastAt - a.lastAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const page = all.slice(0, limit);
    const last = page[page.length - 1];
    return all.length > limit && last ? { alerts: page, next: encodeCursor(last.lastAt, last.id) } : { alerts: page };
  }

  async outboxStats(): Promise<OutboxStats[]> {
    const by = new Map<ChannelKind, { depth: number; oldestAt?: number; dead: number }>();
    for (const d of this.rows.values()) {
      const s = by.get(d.channel) ?? { depth: 0, dead: 0 };
      if (d.status === 'dead') s.dead++;
      else if (!TERMINAL.has(d.status)) {
        s.depth++;
        s.oldestAt = Math.min(s.oldestAt ?? Infinity, d.createdAt);
      }
      by.set(d.channel, s);
    }
    return [...by].map(([channel, s]) => ({ channel, ...s })).sort((a, b) => a.channel.localeCompare(b.channel));
  }

  async disableTarget(d: DisabledTarget): Promise<void> {
    this.disabled.set(d.target, d);
  }

  async disabledTarget(target: string): Promise<DisabledTarget | undefined> {
    return this.disabled.get(target);
  }

  async disabledTargets(): Promise<DisabledTarget[]> {
    return [...this.disabled.values()].sort((a, b) => a.target.localeCompare(b.target));
  }

  async enableTarget(target: string): Promise<boolean> {
    return this.disabled.delete(target);
  }

  async addSilence(s: Silence): Promise<void> {
    this.silenceById.set(s.id, s);
  }

  async removeSilence(id: string): Promise<boolean> {
    return this.silenceById.delete(id);
  }

  async silences(now: number): Promise<Silence[]> {
    return [...this.silenceById.values()].filter((s) => s.until > now).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async insertTransactions(rows: readonly TransactionRecord[]): Promise<number[]> {
    const minutes = new Set<number>();
    for (const r of rows) {
      if (!this.txById.has(r.id)) this.txById.set(r.id, r);
      minutes.add(r.minute);
    }
    return [...minutes].sort((a, b) => a - b);
  }

  async rollup(minutes: readonly number[]): Promise<void> {
    const want = new Set(minutes);
    const folded = foldGroups([...this.txById.values()].filter((t) => want.has(t.minute)).map(groupOf));
    for (const m of want) {
      const b = folded.get(m);
      if (b) this.kpiByMinute.set(m, b);
      else this.kpiByMinute.delete(m);
    }
  }

  async kpis(from: number, to: number, step: KpiStep): Promise<KpiReport> {
    return report([...this.kpiByMinute.values()].filter((k) => k.minute >= from && k.minute < to), step);
  }

  async sweep(now: number): Promise<SweepResult> {
    const p = this.retention;
    const count = <K, V>(m: Map<K, V>, old: (v: V) => boolean): number => {
      let n = 0;
      for (const [k, v] of m) if (old(v)) { m.delete(k); n++; }
      return n;
    };
    const alertCut = now - p.alertsMs;
    return {
      alerts: count(this.alertsById, (a) => a.lastAt < alertCut),
      deliveries: count(this.rows, (d) => TERMINAL.has(d.status) && d.createdAt < alertCut),
      silences: count(this.silenceById, (s) => s.until < alertCut),
      transactions: count(this.txById, (t) => t.ts < now - p.transactionsMs),
      kpis: count(this.kpiByMinute, (k) => k.minute < now - p.kpisMs),
    };
  }

  async close(): Promise<void> {}
}
