import { MongoClient, type Collection, type Db, type Document, type Filter } from 'mongodb';
import { HwError } from '../../errors.js';
import { decodeCursor, encodeCursor, foldGroups, mergeTransition, report, type KpiGroup } from './merge.js';
import { toKpiDoc, fromKpiDoc, type KpiDoc } from './mongo-kpi.js';
import { isDuplicateOnly, MongoOutbox } from './mongo-outbox.js';
import {
  DEFAULT_RETENTION, type AlertListQuery, type AlertPage, type AlertRecord, type AlertTransition, type Delivery,
  type DeliveryOutcome, type KpiReport, type KpiStep, type NotifierStore, type OutboxStats, type RetentionPolicy, type Silence,
  type SweepResult, type TransactionRecord, type DisabledTarget,
} from './types.js';

/**
 * The notifier store on MongoDB (or a MongoDB-compatible server such as FerretDB). Uses only
 * what such servers share: plain collections, unique indexes, find, insert, update, delete, and
 * `$match`/`$group`/`$sum`. Every write is idempotent: unique `_id`s, and a duplicate-key
 * error means "already done". Documents carry `expireAt`: a TTL index deletes them where the
 * server has TTL, and `sweep()` where it does not.
 */

type Doc<T> = Omit<T, 'id'> & { _id: string; expireAt?: Date };
type AlertDoc = Doc<AlertRecord>;
type SilenceDoc = Doc<Silence>;
type DisabledDoc = Omit<DisabledTarget, 'target'> & { _id: string; expireAt?: Date };
const fromDisabledDoc = ({ _id, expireAt: _e, ...rest }: DisabledDoc): DisabledTarget => ({ target: _id, ...rest });
type TxDoc = Doc<TransactionRecord> & { orders?: number };

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

export function storeError(op: string, err: unknown): HwError {
  return new HwError('HW_ERR_STORE', { message: `MongoDB ${op} failed: ${(err as Error).message}`, cause: err });
}

export class MongoNotifierStore implements NotifierStore {
  readonly client: MongoClient;
  private readonly db: Db;
  private readonly retention: RetentionPolicy;
  private readonly batch: number;
  readonly alertsC: Collection<AlertDoc>;
  readonly outbox: MongoOutbox;
  readonly silencesC: Collection<SilenceDoc>;
  readonly disabledC: Collection<DisabledDoc>;
  readonly transactionsC: Collection<TxDoc>;
  readonly kpisC: Collection<KpiDoc>;
  readonly auditC: Collection<Document>;
  /** Whether the server accepted TTL indexes (FerretDB v1 does not delete by them; the sweeper does). */
  ttl = false;

  constructor(o: MongoStoreOptions) {
    // Short server selection: an unreachable store must fail a request, not hang it.
    this.client = new MongoClient(o.uri, { serverSelectionTimeoutMS: 5_000, connectTimeoutMS: 5_000, retryWrites: false });
    this.db = this.client.db(o.db ?? (/^mongodb(?:\+srv)?:\/\/[^/]+\/[^/?]+/.test(o.uri) ? undefined : 'herdwatch'));
    this.retention = o.retention ?? DEFAULT_RETENTION;
    this.batch = o.sweepBatch ?? 500;
    this.alertsC = this.db.collection('alerts');
    this.outbox = new MongoOutbox(this.db, this.retention.alertsMs);
    this.silencesC = this.db.collection('silences');
    this.disabledC = this.db.collection('disabled_targets');
    this.transactionsC = this.db.collection('transactions');
    this.kpisC = this.db.collection('kpis');
    this.auditC = this.db.collection('audit');
  }

  /** Index builds that failed (they only speed reads up; unique `_id`s carry correctness). */
  readonly indexIssues: string[] = [];

  /**
   * Connects (retried: a store that is still starting is not an error) and creates the indexes.
   * An index that cannot be created is noted, not fatal: FerretDB v1 sometimes drops the
   * connection on a createIndexes it already has, and every write stays correct without it.
   */
  async init(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.connect();
        break;
      } catch (err) {
        if (attempt >= 5) throw storeError('connect', err);
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    const index = async (what: string, f: () => Promise<unknown>): Promise<boolean> => {
      try {
        await f();
        return true;
      } catch (err) {
        this.indexIssues.push(`${what}: ${(err as Error).message}`);
        return false;
      }
    };
    await index('alerts', () => this.alertsC.createIndexes([
      { key: { lastAt: -1, _id: -1 } }, { key: { rule: 1, lastAt: -1 } }, { key: { key: 1, lastAt: -1 } }, { key: { state: 1, lastAt: -1 } },
    ]));
    await index('outbox', () => this.outbox.init());
    await index('transactions', () => this.transactionsC.createIndexes([{ key: { minute: 1 } }]));
    await index('silences', () => this.silencesC.createIndexes([{ key: { until: 1 } }]));
    let ttl = true;
    for (const c of [this.alertsC, this.outbox.done, this.silencesC, this.disabledC, this.transactionsC, this.kpisC, this.auditC, this.outbox.claims] as Collection<Document>[]) {
      if (!(await index(`${c.collectionName} TTL`, () => c.createIndex({ expireAt: 1 }, { expireAfterSeconds: 0, name: 'expireAt_ttl' })))) ttl = false;
    }
    this.ttl = ttl;
  }

  private expire(ms: number): Date {
    return new Date(ms);
  }

  async recordTransition(t: AlertTransition, now: number): Promise<AlertRecord> {
    const prevDoc = await this.alertsC.findOne({ _id: t.id });
    const prev = prevDoc ? (strip(prevDoc) as AlertRecord) : undefined;
    const { record, changed } = mergeTransition(prev, t, now);
    if (!changed) return record;
    const { id, ...rest } = record;
    const doc = { ...rest, expireAt: this.expire(now + this.retention.alertsMs) };
    if (!prevDoc) {
      // A new alert is an insert (cheap everywhere; an upsert reads the whole collection on FerretDB v1).
      try {
        await this.alertsC.insertOne({ _id: id, ...doc });
        return record;
      } catch (err) {
        if (!isDuplicateOnly(err)) throw storeError('record transition', err);
        return this.recordTransition(t, now); // another writer created it first: merge into theirs
      }
    }
    await this.alertsC.replaceOne({ _id: id }, doc);
    return record;
  }

  async enqueue(rows: readonly Delivery[]): Promise<number> {
    try {
      return await this.outbox.enqueue(rows);
    } catch (err) {
      throw storeError('enqueue', err);
    }
  }

  claim(owner: string, now: number, leaseMs: number, opts: { excludeTargets?: readonly string[] } = {}): Promise<Delivery | undefined> {
    return this.outbox.claim(owner, now, leaseMs, opts.excludeTargets).catch((err: unknown) => { throw storeError('claim', err); });
  }

  async finish(id: string, owner: string, o: DeliveryOutcome): Promise<boolean> {
    const ok = await this.outbox.finish(id, owner, o);
    if (ok && o.attempted !== false) {
      // The audit trail of attempts; best effort (the delivery row itself is the source of truth).
      const now = Date.now();
      await this.auditC.insertOne({ _id: `${id}#${now}#${Math.random().toString(36).slice(2, 8)}` as never, kind: 'delivery', delivery: id, status: o.status, error: o.lastError, at: new Date(now), expireAt: this.expire(now + this.retention.alertsMs) }).catch(() => undefined);
    }
    return ok;
  }

  releaseClaims(ownerPrefix: string): Promise<number> {
    return this.outbox.releaseClaims(ownerPrefix);
  }

  delivery(id: string): Promise<Delivery | undefined> {
    return this.outbox.get(id);
  }

  deliveries(alertId: string): Promise<Delivery[]> {
    return this.outbox.ofAlert(alertId);
  }

  digested(digestId: string): Promise<Delivery[]> {
    return this.outbox.digested(digestId);
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

  outboxStats(): Promise<OutboxStats[]> {
    return this.outbox.stats();
  }

  async disableTarget(d: DisabledTarget): Promise<void> {
    const { target, ...rest } = d;
    await this.disabledC.replaceOne({ _id: target }, { ...rest, expireAt: this.expire(d.at + this.retention.alertsMs) }, { upsert: true });
  }

  async disabledTarget(target: string): Promise<DisabledTarget | undefined> {
    const doc = await this.disabledC.findOne({ _id: target });
    return doc ? fromDisabledDoc(doc) : undefined;
  }

  async disabledTargets(): Promise<DisabledTarget[]> {
    // One document per target that ever answered 410: a small collection, read whole.
    return (await this.disabledC.find({}).sort({ _id: 1 }).toArray()).map(fromDisabledDoc);
  }

  async enableTarget(target: string): Promise<boolean> {
    return (await this.disabledC.deleteOne({ _id: target })).deletedCount === 1;
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
      // Only final rows live in `deliveries`; the outbox itself is never swept.
      deliveries: await one(c(this.outbox.done)),
      transactions: await one(c(this.transactionsC)),
      kpis: await one(c(this.kpisC)),
      silences: await one(c(this.silencesC)),
    };
    await one(this.auditC);
    await one(c(this.outbox.claims));
    return result;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
