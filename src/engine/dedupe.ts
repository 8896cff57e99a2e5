import { hashString } from './keystore.js';

/**
 * Duplicate events (a client retry, an at-least-once redelivery) must count once. An event
 * can only count while its bucket is open (a later copy is late and dropped as such), and a
 * retry carries the original's event time, so ids are remembered per open bucket and
 * forgotten when it closes: memory follows the events of the allowed lateness, not of the
 * window, and no duplicate is counted over any window. Ids are kept as 53-bit fingerprints (two 32-bit
 * hashes), never as strings: ~40 bytes per id held. Two different ids collide with
 * probability ~n²/2⁵⁴ (n ids held): under 10⁻⁶ with 100,000 ids.
 */
export class RecentIds {
  private readonly byBucket = new Map<number, Set<number>>();
  private held = 0;
  duplicates = 0;

  /** True when `id` was already seen in `bucket`'s horizon; remembers it otherwise. */
  seen(id: string, bucket: number): boolean {
    const fp = fingerprint(id);
    let set = this.byBucket.get(bucket);
    if (set === undefined) this.byBucket.set(bucket, (set = new Set()));
    if (set.has(fp)) { this.duplicates++; return true; }
    set.add(fp);
    this.held++;
    return false;
  }

  /** Forget ids of buckets ≤ `bucket` (closed: a copy arriving now is late). */
  forgetThrough(bucket: number): void {
    if (this.byBucket.size === 0) return;
    for (const [b, set] of this.byBucket) {
      if (b <= bucket) { this.held -= set.size; this.byBucket.delete(b); }
    }
  }

  get size(): number { return this.held; }

  bytes(): number { return this.held * 40 + this.byBucket.size * 120; }
}

/** A second, independent 32-bit hash (FNV-1a with another basis and a different finaliser). */
function hash2(s: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 15; h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12; h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return h >>> 0;
}

function fingerprint(id: string): number {
  return hashString(id) * 0x200000 + (hash2(id) & 0x1fffff);
}
