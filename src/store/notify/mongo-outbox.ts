import type { Collection, Db, Filter } from 'mongodb';
import { TERMINAL, type ChannelKind, type Delivery, type DeliveryOutcome, type OutboxStats } from './types.js';

/**
 * The outbox on MongoDB, in two collections: `outbox` holds the rows not yet final (pending
 * or claimed) and is updated on every claim and retry; `deliveries` receives each row once,
 * when it becomes final, and is never updated. Keeping the hot collection small matters on
 * FerretDB v1, whose updates and sorts read the whole collection; on MongoDB it costs one
 * extra insert per delivery.
 *
 * Claims are made unique by inserting a claim token with a unique `_id` (`<row>#<n>`):
 * FerretDB v1 runs findAndModify as a read then a write, so two workers could both "win" a
 * findOneAndUpdate; a unique-key insert has exactly one winner on every server.
 */
export type RowDoc = Omit<Delivery, 'id'> & { _id: string; expireAt?: Date };
type ClaimDoc = { _id: string; owner: string; at: number; expireAt: Date };

const DUPLICATE_KEY = 11000;
/** Due rows read per claim (unsorted: sorting is done here, the server may not do it well). */
const CLAIM_CANDIDATES = 32;
const CHANNELS: readonly ChannelKind[] = ['alertmanager', 'email', 'slack', 'webhook'];

export function isDuplicateOnly(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number }[] | { code?: number } };
  if (e.code === DUPLICATE_KEY) return true;
  const list = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  return list.length > 0 && list.every((w) => w.code === DUPLICATE_KEY);
}

export function toRow(d: RowDoc): Delivery {
  const { _id, expireAt: _e, ...rest } = d;
  return { id: _id, ...rest };
}

export class MongoOutbox {
  readonly open: Collection<RowDoc>;
  readonly done: Collection<RowDoc>;
  readonly claims: Collection<ClaimDoc>;

  constructor(db: Db, private readonly keepMs: number) {
    this.open = db.collection('outbox');
    this.done = db.collection('deliveries');
    this.claims = db.collection('claims');
  }

  async init(): Promise<void> {
    await this.open.createIndexes([{ key: { status: 1, nextAt: 1 } }, { key: { alertId: 1 } }, { key: { channel: 1 } }]);
    await this.done.createIndexes([{ key: { alertId: 1 } }, { key: { digest: 1 } }, { key: { channel: 1, status: 1 } }]);
  }

  async enqueue(rows: readonly Delivery[]): Promise<number> {
    if (rows.length === 0) return 0;
    try {
      return (await this.open.insertMany(rows.map(({ id, ...rest }) => ({ _id: id, ...rest })), { ordered: false })).insertedCount;
    } catch (err) {
      if (isDuplicateOnly(err)) return (err as { insertedCount?: number; result?: { insertedCount?: number } }).insertedCount ?? (err as { result?: { insertedCount?: number } }).result?.insertedCount ?? 0;
      throw err;
    }
  }

  async claim(owner: string, now: number, leaseMs: number, excludeTargets: readonly string[] = []): Promise<Delivery | undefined> {
    const filter: Filter<RowDoc> = {
      $or: [{ status: 'pending', nextAt: { $lte: now } }, { status: 'claimed', claimUntil: { $lt: now } }],
      ...(excludeTargets.length ? { target: { $nin: [...excludeTargets] } } : {}),
    };
    const candidates = (await this.open.find(filter).limit(CLAIM_CANDIDATES).toArray()).sort((a, b) => a.nextAt - b.nextAt || a.createdAt - b.createdAt);
    // Oldest first; a worker that loses a row to another simply tries the next one.
    for (const d of candidates) {
      const seq = (d.claimSeq ?? 0) + 1;
      try {
        await this.claims.insertOne({ _id: `${d._id}#${seq}`, owner, at: now, expireAt: new Date(now + 86_400_000) });
      } catch (err) {
        if (!isDuplicateOnly(err)) throw err;
        await this.repairStaleClaim(d, seq, now, leaseMs);
        continue;
      }
      // A row re-enqueued after it was already final (a replay racing a finish) is dropped here.
      if (await this.done.findOne({ _id: d._id }, { projection: { _id: 1 } })) {
        await this.open.deleteOne({ _id: d._id });
        continue;
      }
      const claimUntil = now + leaseMs;
      await this.open.updateOne({ _id: d._id }, { $set: { status: 'claimed', claimedBy: owner, claimUntil, claimSeq: seq } });
      return { ...toRow(d), status: 'claimed', claimedBy: owner, claimUntil, claimSeq: seq };
    }
    return undefined;
  }

  /** A token whose owner died between inserting it and marking the row: after a lease, move the row past it. */
  private async repairStaleClaim(d: RowDoc, seq: number, now: number, leaseMs: number): Promise<void> {
    const token = await this.claims.findOne({ _id: `${d._id}#${seq}` });
    if (token && token.at < now - leaseMs) await this.open.updateOne({ _id: d._id }, { $set: { claimSeq: Math.max(seq, d.claimSeq ?? 0) } });
  }

  async finish(id: string, owner: string, o: DeliveryOutcome): Promise<boolean> {
    const cur = await this.open.findOne({ _id: id });
    if (!cur || cur.status !== 'claimed' || cur.claimedBy !== owner) return false;
    const { attempted, ...fields } = o;
    const attempts = cur.attempts + (attempted === false ? 0 : 1);
    if (!TERMINAL.has(o.status)) {
      await this.open.updateOne({ _id: id }, { $set: { ...fields, attempts, nextAt: o.nextAt ?? cur.nextAt }, $unset: { claimedBy: '', claimUntil: '' } });
      return true;
    }
    const { claimedBy: _c, claimUntil: _u, ...rest } = cur;
    const final: RowDoc = { ...rest, ...fields, attempts, nextAt: o.nextAt ?? cur.nextAt, expireAt: new Date((o.sentAt ?? Date.now()) + this.keepMs) };
    try {
      await this.done.insertOne(final);
    } catch (err) {
      if (!isDuplicateOnly(err)) throw err;
    }
    await this.open.deleteOne({ _id: id });
    return true;
  }

  async releaseClaims(ownerPrefix: string): Promise<number> {
    const mine = (await this.open.find({ status: 'claimed' }, { projection: { _id: 1, claimedBy: 1 } }).toArray()).filter((d) => d.claimedBy?.startsWith(ownerPrefix));
    for (const d of mine) await this.open.updateOne({ _id: d._id }, { $set: { status: 'pending' }, $unset: { claimedBy: '', claimUntil: '' } });
    return mine.length;
  }

  async get(id: string): Promise<Delivery | undefined> {
    const d = (await this.done.findOne({ _id: id })) ?? (await this.open.findOne({ _id: id }));
    return d ? toRow(d) : undefined;
  }

  async ofAlert(alertId: string): Promise<Delivery[]> {
    const [a, b] = await Promise.all([this.open.find({ alertId }).toArray(), this.done.find({ alertId }).toArray()]);
    const byId = new Map([...b, ...a.filter((x) => !b.some((y) => y._id === x._id))].map((d) => [d._id, toRow(d)]));
    return [...byId.values()].sort((x, y) => x.createdAt - y.createdAt || x.id.localeCompare(y.id));
  }

  async digested(digestId: string): Promise<Delivery[]> {
    const list = await this.done.find({ digest: digestId, _id: { $ne: digestId } }).toArray();
    return list.map(toRow).sort((x, y) => x.createdAt - y.createdAt || x.id.localeCompare(y.id));
  }

  async stats(): Promise<OutboxStats[]> {
    const open = await this.open.find({}, { projection: { _id: 1, channel: 1, createdAt: 1 } }).toArray();
    const out: OutboxStats[] = [];
    for (const channel of CHANNELS) {
      const mine = open.filter((d) => d.channel === channel);
      const dead = await this.done.countDocuments({ channel, status: 'dead' });
      if (mine.length === 0 && dead === 0) continue;
      const oldest = mine.reduce((m, d) => Math.min(m, d.createdAt), Infinity);
      out.push({ channel, depth: mine.length, dead, ...(Number.isFinite(oldest) ? { oldestAt: oldest } : {}) });
    }
    return out;
  }
}
