import { finaliseHash, hashString } from './keystore.js';

/**
 * Duplicate events (a client retry, an at-least-once redelivery) must count once. An event
 * can only count while its bucket is open (a later copy is late and dropped as such), and a
 * retry carries the original's event time, so ids are remembered per open bucket and
 * forgotten when it closes: memory follows the events of the allowed lateness, not of the
 * window, and no duplicate is counted over any window. Ids are kept as 63-bit fingerprints (two 32-bit
 * hashes) in a typed-array hash table per open bucket, never as strings: 8–16 bytes per id
 * held. Two different ids collide with probability ~n²/2⁶⁴ (n ids held): under 10⁻⁹ with
 * 100,000 ids.
 */
export class RecentIds {
  private readonly byBucket = new Map<number, IdTable>();
  private readonly spare: IdTable[] = [];
  private held = 0;
  duplicates = 0;
  /** The bucket of the last id and its table: consecutive events mostly share one (no Map lookup). */
  private lastBucket = 0;
  private lastTable: IdTable | null = null;

  /** True when `id` was already seen in `bucket`'s horizon; remembers it otherwise. */
  seen(id: string, bucket: number): boolean {
    let table = this.lastTable;
    if (bucket !== this.lastBucket || table === null) {
      table = this.byBucket.get(bucket) ?? null;
      if (table === null) this.byBucket.set(bucket, (table = this.spare.pop() ?? new IdTable()));
      this.lastBucket = bucket;
      this.lastTable = table;
    }
    // Two independent 32-bit hashes; (0, 0) marks an empty cell, so h1 is never 0.
    if (table.addIfAbsent(fingerprint(id) | 1, fingerprint2 | 0)) { this.held++; return false; }
    this.duplicates++;
    return true;
  }

  /** Forget ids of buckets ≤ `bucket` (closed: a copy arriving now is late). */
  forgetThrough(bucket: number): void {
    if (this.byBucket.size === 0) return;
    for (const [b, table] of this.byBucket) {
      if (b > bucket) continue;
      this.held -= table.size;
      this.byBucket.delete(b);
      if (table === this.lastTable) this.lastTable = null;
      // Reused for a later bucket; one that grew for a burst is dropped rather than held on to.
      if (this.spare.length < 8 && table.cells <= 1 << 16) { table.clear(); this.spare.push(table); }
    }
  }

  get size(): number { return this.held; }

  bytes(): number {
    let n = 0;
    for (const t of this.byBucket.values()) n += t.cells * 8 + 64;
    for (const t of this.spare) n += t.cells * 8 + 64;
    return n;
  }
}

/** An open-addressing set of (h1, h2) fingerprints in one Int32Array (no boxed numbers, no per-id object). */
class IdTable {
  private cellsArr = new Int32Array(2 * 1024);
  private mask = 1023;
  size = 0;

  get cells(): number { return this.mask + 1; }

  addIfAbsent(h1: number, h2: number): boolean {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const t = this.cellsArr;
    for (let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const a = t[2 * i]!;
      if (a === 0) { t[2 * i] = h1; t[2 * i + 1] = h2; this.size++; return true; }
      if (a === h1 && t[2 * i + 1] === h2) return false;
    }
  }

  private grow(): void {
    const old = this.cellsArr;
    this.cellsArr = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.addIfAbsent(old[i]!, old[i + 1]!);
  }

  clear(): void { this.cellsArr.fill(0); this.size = 0; }
}

/** Second result of fingerprint(): hash2 of the same id. */
let fingerprint2 = 0;

/**
 * hashString(id), with hash2(id) left in fingerprint2: both in one pass over an ASCII id (the
 * usual case; ids are hashed once per event), the same values as calling the two.
 */
function fingerprint(id: string): number {
  let h = 0x811c9dc5;
  let g = 0x9747b28c;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c >= 128) { fingerprint2 = hash2(id); return hashString(id); }
    h = Math.imul(h ^ c, 0x01000193);
    g = Math.imul(g ^ c, 0x01000193);
  }
  fingerprint2 = finish2(g);
  return finaliseHash(h);
}

/** A second, independent 32-bit hash (FNV-1a with another basis and a different finaliser). */
function hash2(s: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return finish2(h);
}

function finish2(h: number): number {
  h ^= h >>> 15; h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12; h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return h >>> 0;
}

