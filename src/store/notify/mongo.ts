import { MongoClient, type Collection, type Db, type Document, type Filter } from 'mongodb';
import { HwError } from '../../errors.js';
import { decodeCursor, encodeCursor, foldGroups, mergeTransition, report, type KpiGroup } from './merge.js';
import { toKpiDoc, fromKpiDoc, type KpiDoc } from './mongo-kpi.js';
import {
  DEFAULT_RETENTION, TERMINAL, type AlertListQuery, type AlertPage, type AlertRecord, type AlertTransition, type ChannelKind, type Delivery,
  type DeliveryOutcome, type KpiReport, type KpiStep, type NotifierStore, type OutboxStats, type RetentionPolicy, type Silence,
  type SweepResult, type TransactionRecord,
} from './types.js';

/**
 * The notifier store on MongoDB (or a MongoDB-compatible server such as FerretDB). Uses only
 * what such servers share: plain collections, unique indexes, find/findOneAndUpdate, and
 * `$match`/`$group`/`$sum`. Every write is idempotent: unique `_id`s, and a duplicate-key
 * error means "already done". Documents carry `expireAt`: a TTL index deletes them where the
 * server has TTL, and `sweep()` where it does not.
 */

type Doc<T> = Omit<T, 'id'> & { _id: string; expireAt?: Date };
type AlertDoc = Doc<AlertRecord>;
type DeliveryDoc = Doc<Delivery>;
type SilenceDoc = Doc<Silence>;
type TxDoc = Doc<TransactionRecord> & { orders?: number };

const CHANNELS: readonly ChannelKind[] = ['alertmanager', 'email', 'slack', 'webhook'];
const OPEN: ('pending' | 'claimed')[] = ['pending', 'claimed'];
const DUPLICATE_KEY = 11000;
/** Due rows looked at per claim. */
const CLAIM_CANDIDATES = 8;

export interface MongoStoreOptions {
  readonly uri: string;
  /** Database name; the URI's database, else `herdwatch`. */
  readonly db?: string;
  readonly retention?: RetentionPolicy;
  /** Documents per delete batch in `sweep()`. */
  readonly sweepBatch?: number;
}

function strip<T extends { _id: string; expireAt?: Date }>(d: T): Omit<T, '_id' | 'expireAt'> & { id: string } {
  const { _id, expireAt: _e, ...rest } = d;
  return { id: _id, ...rest };
}

function isDuplicateOnly(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number }[] | { code?: number } };
  if (e.code === DUPLICATE_KEY) return true;
  const list = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  return list.length > 0 && list.every((w) => w.code === DUPLICATE_KEY);
}

function insertedCount(err: unknown): number {
  const r = (err as { result?: { insertedCount?: number }; insertedCount?: number });
  return r.insertedCount ?? r.result?.insertedCount ?? 0;
}

export function storeError(op: string, err: unknown): HwError {
  return new HwError('HW_ERR_STORE', { message: `MongoDB ${op} failed: ${(err as Error).message}`, cause: err });
}

export class MongoNotifierStore implements NotifierStore {
  readonly client: MongoClient;
  private readonly db: Db;
  private readonly retention: RetentionPolicy;
  private readonly batch: number;
  readonly alertsC: Collection<AlertDoc>;
  readonly deliveriesC: Collection<DeliveryDoc>;
  readonly silencesC: Collection<SilenceDoc>;
  readonly transactionsC: Collection<TxDoc>;
  readonly kpisC: Collection<KpiDoc>;
  readonly auditC: Collection<Document>;
  readonly claimsC: Collection<{ _id: string; owner: string; at: number; expireAt: Date }>;
  /** Whether the server accepted TTL indexes (FerretDB v1 does not delete by them; the sweeper does). */
  ttl = false;

  constructor(o: MongoStoreOptions) {
    // Short server selection: an unreachable store must fail a request, not hang it.
    this.client = new MongoClient(o.uri, { serverSelectionTimeoutMS: 5_000, connectTimeoutMS: 5_000, retryWrites: false });
    this.db = this.client.db(o.db);
    this.retention = o.retention ?? DEFAULT_RETENTION;
    this.batch = o.sweepBatch ?? 500;
    this.alertsC = this.db.collection('alerts');
    this.deliveriesC = this.db.collection('deliveries');
    this.silencesC = this.db.collection('silences');
    this.transactionsC = this.db.collection('transactions');
    this.kpisC = this.db.collection('kpis');
    this.auditC = this.db.collection('audit');
    this.claimsC = this.db.collection('claims');
  }

  async init(): Promise<void> {
    try {
      await this.client.connect();
      await this.alertsC.createIndexes([
        { key: { lastAt: -1, _id: -1 } }, { key: { rule: 1, lastAt: -1 } }, { key: { key: 1, lastAt: -1 } }, { key: { state: 1, lastAt: -1 } },
      ]);
      await this.deliveriesC.createIndexes([{ key: { status: 1, nextAt: 1 } }, { key: { alertId: 1 } }, { key: { digest: 1 } }, { key: { channel: 1, status: 1, createdAt: 1 } }]);
      await this.transactionsC.createIndexes([{ key: { minute: 1 } }]);
      await this.silencesC.createIndexes([{ key: { until: 1 } }]);
      let ttl = true;
      for (const c of [this.alertsC, this.deliveriesC, this.silencesC, this.transactionsC, this.kpisC, this.auditC, this.claimsC] as Collection<Document>[]) {
        await c.createIndex({ expireAt: 1 }, { expireAfterSeconds: 0, name: 'expireAt_ttl' }).catch(() => { ttl = false; });
      }
      this.ttl = ttl;
    } catch (err) {
      throw storeError('init', err);
    }
  }

  private expire(ms: number): Date {
    return new Date(ms);
  }

  async recordTransition(t: AlertTransition, now: number): Promise<AlertRecord> {
    const prevDoc = await this.alertsC.findOne({ _id: t.id });
    const prev = prevDoc ? (strip(prevDoc) as AlertRecord) : undefined;
    const { record, changed } = mergeTransition(prev, t, now);
    if (changed) {
      const { id, ...rest } = record;
      await this.alertsC.replaceOne({ _id: id }, { ...rest, expireAt: this.expire(now + this.retention.alertsMs) }, { upsert: true });
    }
    return record;
  }

  async enqueue(rows: readonly Delivery[]): Promise<number> {
    if (rows.length === 0) return 0;
    const docs = rows.map(({ id, ...rest }) => ({ _id: id, ...rest }) as DeliveryDoc);
    try {
      const r = await this.deliveriesC.insertMany(docs, { ordered: false });
      return r.insertedCount;
    } catch (err) {
      if (isDuplicateOnly(err)) return insertedCount(err);
      throw storeError('enqueue', err);
    }
  }

  /**
   * Claims are made unique by inserting a claim token with a unique `_id` (`<delivery>#<n>`):
   * FerretDB v1 runs findAndModify as a read then a write, so two workers could both "win" a
   * findOneAndUpdate; a unique-key insert has exactly one winner on every server.
   */
  async claim(owner: string, now: number, leaseMs: number, opts: { excludeTargets?: readonly string[] } = {}): Promise<Delivery | undefined> {
    const ex = opts.excludeTargets?.length ? { target: { $nin: [...opts.excludeTargets] } } : {};
    const filter: Filter<DeliveryDoc> = {
      $or: [{ status: 'pending', nextAt: { $lte: now } }, { status: 'claimed', claimUntil: { $lt: now } }], ...ex,
    };
    const candidates = await this.deliveriesC.find(filter).sort({ nextAt: 1 }).limit(CLAIM_CANDIDATES).toArray();
    // Oldest first; a worker that loses a row to another simply tries the next one.
    for (const d of candidates) {
      const seq = (d.claimSeq ?? 0) + 1;
      try {
        await this.claimsC.insertOne({ _id: `${d._id}#${seq}`, owner, at: now, expireAt: this.expire(now + 86_400_000) });
      } catch (err) {
        if (!isDuplicateOnly(err)) throw storeError('claim', err);
        await this.repairStaleClaim(d, seq, now, leaseMs);
        continue;
      }
      const claimUntil = now + leaseMs;
      await this.deliveriesC.updateOne({ _id: d._id }, { $set: { status: 'claimed', claimedBy: owner, claimUntil, claimSeq: seq } });
      return { ...(strip(d) as Delivery), status: 'claimed', claimedBy: owner, claimUntil, claimSeq: seq };
    }
    return undefined;
  }

  /** A token whose owner died between inserting it and marking the row: after a lease, move the row past it. */
  private async repairStaleClaim(d: DeliveryDoc, seq: number, now: number, leaseMs: number): Promise<void> {
    const token = await this.claimsC.findOne({ _id: `${d._id}#${seq}` });
    if (token && token.at < now - leaseMs) await this.deliveriesC.updateOne({ _id: d._id, claimSeq: d.claimSeq ?? { $exists: false } } as Filter<DeliveryDoc>, { $set: { claimSeq: seq } });
  }

  async finish(id: string, owner: string, o: DeliveryOutcome): Promise<boolean> {
    const { attempted, ...fields } = o;
    const set: Record<string, unknown> = { ...fields };
    if (TERMINAL.has(o.status)) set.expireAt = this.expire((o.sentAt ?? Date.now()) + this.retention.alertsMs);
    const r = await this.deliveriesC.updateOne({ _id: id, status: 'claimed', claimedBy: owner }, {
      $set: set, $unset: { claimedBy: '', claimUntil: '' }, $inc: { attempts: attempted === false ? 0 : 1 },
    });
    if (r.modifiedCount === 1 && attempted !== false) {
      // The audit trail of attempts; best effort (the delivery row itself is the source of truth).
      await this.auditC.insertOne({ _id: `${id}#${Date.now()}#${Math.random().toString(36).slice(2, 8)}` as never, kind: 'delivery', delivery: id, status: o.status, error: o.lastError, at: new Date(), expireAt: this.expire(Date.now() + this.retention.alertsMs) }).catch(() => undefined);
    }
    return r.modifiedCount === 1;
  }

  async releaseClaims(ownerPrefix: string): Promise<number> {
    const mine = await this.deliveriesC.find({ status: 'claimed' }, { projection: { _id: 1, claimedBy: 1 } }).toArray();
    const ids = mine.filter((d) => d.claimedBy?.startsWith(ownerPrefix)).map((d) => d._id);
    if (ids.length === 0) return 0;
    const r = await this.deliveriesC.updateMany({ _id: { $in: ids }, status: 'claimed' }, { $set: { status: 'pending' }, $unset: { claimedBy: '', claimUntil: '' } });
    return r.modifiedCount;
  }

  async delivery(id: string): Promise<Delivery | undefined> {
    const d = await this.deliveriesC.findOne({ _id: id });
    return d ? (strip(d) as Delivery) : undefined;
  }

  async deliveries(alertId: string): Promise<Delivery[]> {
    const list = await this.deliveriesC.find({ alertId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return list.map((d) => strip(d) as Delivery);
  }

  async digested(digestId: string): Promise<Delivery[]> {
    const list = await this.deliveriesC.find({ digest: digestId, _id: { $ne: digestId } }).sort({ createdAt: 1, _id: 1 }).toArray();
    return list.map((d) => strip(d) as Delivery);
  }

  async alert(id: string): Promise<AlertRecord | undefined> {
    const d = await this.alertsC.findOne({ _id: id });
    return d ? (strip(d) as AlertRecord) : undefined;
  }

  async alerts(q: AlertListQuery): Promise<AlertPage> {
    const limit = q.limit ?? 50;
    const f: Record<string, unknown> = {};
    if (q.rule) f.rule = q.rule.includes('/') ? q.rule : { $regex: `/${q.rule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` };
    if (q.key !== undefined) f.key = q.key;
    if (q.state !== undefined) f.state = q.state;
    if (q.from !== undefined || q.to !== undefined) f.lastAt = { ...(q.from !== undefined ? { $gte: q.from } : {}), ...(q.to !== undefined ? { $lt: q.to } : {}) };
    const after = decodeCursor(q.cursor);
    if (after) f.$or = [{ lastAt: { $lt: after.lastAt } }, { lastAt: after.lastAt, _id: { $lt: after.id } }];
    const docs = await this.alertsC.find(f as Filter<AlertDoc>).sort({ lastAt: -1, _id: -1 }).limit(limit + 1).toArray();
    const page = docs.slice(0, limit).map((d) => strip(d) as AlertRecord);
    const last = page[page.length - 1];
    return docs.length > limit && last ? { alerts: page, next: encodeCursor(last.lastAt, last.id) } : { alerts: page };
  }

  async outboxStats(): Promise<OutboxStats[]> {
    const out: OutboxStats[] = [];
    for (const channel of CHANNELS) {
      const [depth, dead, oldest] = await Promise.all([
        this.deliveriesC.countDocuments({ channel, status: { $in: OPEN } }),
        this.deliveriesC.countDocuments({ channel, status: 'dead' }),
        this.deliveriesC.find({ channel, status: { $in: OPEN } }).sort({ createdAt: 1 }).limit(1).project<{ createdAt: number }>({ createdAt: 1 }).toArray(),
      ]);
      if (depth === 0 && dead === 0) continue;
      out.push({ channel, depth, dead, ...(oldest[0] ? { oldestAt: oldest[0].createdAt } : {}) });
    }
    return out;
  }

  async addSilence(s: Silence): Promise<void> {
    const { id, ...rest } = s;
    await this.silencesC.replaceOne({ _id: id }, { ...rest, expireAt: this.expire(s.until + this.retention.alertsMs) }, { upsert: true });
  }

  async removeSilence(id: string): Promise<boolean> {
    return (await this.silencesC.deleteOne({ _id: id })).deletedCount === 1;
  }

  async silences(now: number): Promise<Silence[]> {
    const list = await this.silencesC.find({ until: { $gt: now } }).sort({ createdAt: 1, _id: 1 }).toArray();
    return list.map((d) => strip(d) as Silence);
  }

  async insertTransactions(rows: readonly TransactionRecord[]): Promise<number[]> {
    if (rows.length === 0) return [];
    // `orders: 1` is summed by field: FerretDB v1 sums a constant (`$sum: 1`) as 0.
    const docs = rows.map(({ id, ...rest }) => ({ _id: id, ...rest, orders: 1, expireAt: this.expire(rest.ts + this.retention.transactionsMs) }) as TxDoc);
    try {
      await this.transactionsC.insertMany(docs, { ordered: false });
    } catch (err) {
      if (!isDuplicateOnly(err)) throw storeError('insert transactions', err);
    }
    return [...new Set(rows.map((r) => r.minute))].sort((a, b) => a - b);
  }

  async rollup(minutes: readonly number[]): Promise<void> {
    if (minutes.length === 0) return;
    // One accumulator per $group: FerretDB v1 (SQLite) computes only the first of several.
    type Row = { _id: { m: number; t: string; p: string; r: string; pr?: string | null }; v: number };
    const by = { m: '$minute', t: '$valueTier', p: '$paymentMethod', r: '$region', pr: '$productId' };
    const sum = (field: string) => this.transactionsC.aggregate<Row>([{ $match: { minute: { $in: [...minutes] } } }, { $group: { _id: by, v: { $sum: field } } }]).toArray();
    const [revenue, orders] = await Promise.all([sum('$amount'), sum('$orders')]);
    const keyOf = (g: Row) => JSON.stringify([g._id.m, g._id.t, g._id.p, g._id.r, g._id.pr ?? null]);
    const count = new Map(orders.map((g) => [keyOf(g), g.v]));
    const folded = foldGroups(revenue.map((g): KpiGroup => ({
      minute: g._id.m, tier: g._id.t, payment: g._id.p, region: g._id.r, product: g._id.pr ?? 'unknown', revenue: g.v, orders: count.get(keyOf(g)) ?? 0,
    })));
    for (const m of minutes) {
      const b = folded.get(m);
      if (b) await this.kpisC.replaceOne({ _id: m }, { ...toKpiDoc(b), expireAt: this.expire(m + this.retention.kpisMs) }, { upsert: true });
      else await this.kpisC.deleteOne({ _id: m });
    }
  }

  async kpis(from: number, to: number, step: KpiStep): Promise<KpiReport> {
    const docs = await this.kpisC.find({ _id: { $gte: from, $lt: to } }).sort({ _id: 1 }).toArray();
    return report(docs.map(fromKpiDoc), step);
  }

  async sweep(now: number): Promise<SweepResult> {
    const at = new Date(now);
    const one = async (c: Collection<Document>, extra: Filter<Document> = {}): Promise<number> => {
      let total = 0;
      for (;;) {
        const ids = (await c.find({ expireAt: { $lt: at }, ...extra }, { projection: { _id: 1 } }).limit(this.batch).toArray()).map((d) => d._id as unknown);
        if (ids.length === 0) return total;
        total += (await c.deleteMany({ _id: { $in: ids } } as Filter<Document>)).deletedCount;
        if (ids.length < this.batch) return total;
      }
    };
    const c = (x: unknown) => x as Collection<Document>;
    const result = {
      alerts: await one(c(this.alertsC)),
      deliveries: await one(c(this.deliveriesC), { status: { $nin: OPEN } }),
      transactions: await one(c(this.transactionsC)),
      kpis: await one(c(this.kpisC)),
      silences: await one(c(this.silencesC)),
    };
    await one(this.auditC);
    await one(c(this.claimsC));
    return result;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
