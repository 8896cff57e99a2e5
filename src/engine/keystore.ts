/**
 * Key strings → dense slot numbers, without a JS Map (which caps at 2^24 entries and costs
 * ~80 bytes per entry). An open-addressing, linear-probing table of slot numbers; key bytes
 * live in one UTF-8 arena; per-slot data are typed arrays that callers index by slot.
 * Deleted slots are recycled through a free list; the arena is compacted when half garbage.
 */

const EMPTY_LEN = 0;
const MAX_LOAD = 0.7;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Growth by 1.25×: a little more copying than doubling, much less slack held per key. */
export function grownSize(current: number, needed: number): number {
  let n = Math.max(16, current);
  while (n < needed) n = Math.ceil(n * 1.25);
  return n;
}

function growU32(a: Uint32Array, n: number): Uint32Array<ArrayBuffer> { const b = new Uint32Array(n); b.set(a); return b; }
function growU16(a: Uint16Array, n: number): Uint16Array<ArrayBuffer> { const b = new Uint16Array(n); b.set(a); return b; }
function growI32(a: Int32Array, n: number): Int32Array<ArrayBuffer> { const b = new Int32Array(n); b.set(a); return b; }

/** FNV-1a over UTF-8 bytes, with a murmur3 finaliser so the low bits spread well. */
function finalise(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashBytes(bytes: Uint8Array, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return finalise(h);
}

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return hashBytes(scratchEncode(s), scratchLen);
    h = Math.imul(h ^ c, 0x01000193);
  }
  return finalise(h);
}

let scratch = new Uint8Array(1024);
let scratchLen = 0;
function scratchEncode(s: string): Uint8Array {
  if (scratch.length < s.length * 3) scratch = new Uint8Array(s.length * 3);
  scratchLen = encoder.encodeInto(s, scratch).written;
  return scratch;
}

export class KeyStore {
  /** slot + 1 per table cell; 0 = empty. */
  private table: Int32Array;
  private mask: number;
  private hashes = new Uint32Array(0);
  private offsets = new Uint32Array(0);
  private lengths = new Uint16Array(0);
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  private arenaGarbage = 0;
  private freeSlots = new Int32Array(0);
  private freeTop = 0;
  /** Slots ever handed out; every slot < highWater is live or on the free list. */
  highWater = 0;
  size = 0;
  capacity = 0;
  /** True when the last intern() created the key. */
  created = false;

  constructor(private readonly onGrow: (capacity: number) => void) {
    this.table = new Int32Array(1024);
    this.mask = 1023;
  }

  /** The slot of `key`, creating it when absent (then `created` is true). */
  intern(key: string): number {
    let h = 0x811c9dc5;
    let bytes: Uint8Array | null = null;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c >= 128) { bytes = scratchEncode(key); break; }
      h = Math.imul(h ^ c, 0x01000193);
    }
    const len = bytes === null ? key.length : scratchLen;
    h = bytes === null ? finalise(h) : hashBytes(bytes, len);
    const table = this.table;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const cell = table[i]!;
      if (cell === 0) break;
      const slot = cell - 1;
      if (this.hashes[slot] === h && this.lengths[slot] === len && this.sameBytes(slot, key, bytes, len)) {
        this.created = false;
        return slot;
      }
      i = (i + 1) & mask;
    }
    this.created = true;
    return this.insert(key, bytes, len, h);
  }

  private sameBytes(slot: number, key: string, bytes: Uint8Array | null, len: number): boolean {
    const arena = this.arena;
    const off = this.offsets[slot]!;
    if (bytes === null) {
      for (let j = 0; j < len; j++) if (arena[off + j] !== key.charCodeAt(j)) return false;
    } else {
      for (let j = 0; j < len; j++) if (arena[off + j] !== bytes[j]) return false;
    }
    return true;
  }

  private insert(key: string, bytes: Uint8Array | null, len: number, h: number): number {
    if (len === EMPTY_LEN || len > 0xffff) throw new RangeError('key length out of range');
    if ((this.size + 1) > this.table.length * MAX_LOAD) this.rehash(this.table.length * 2);
    const slot = this.freeTop > 0 ? this.freeSlots[--this.freeTop]! : this.highWater++;
    if (slot >= this.capacity) this.grow(slot + 1);
    const off = this.reserveArena(len);
    if (bytes === null) for (let j = 0; j < len; j++) this.arena[off + j] = key.charCodeAt(j);
    else this.arena.set(bytes.subarray(0, len), off);
    this.hashes[slot] = h;
    this.offsets[slot] = off;
    this.lengths[slot] = len;
    let i = h & this.mask;
    while (this.table[i] !== 0) i = (i + 1) & this.mask;
    this.table[i] = slot + 1;
    this.size++;
    return slot;
  }

  private reserveArena(len: number): number {
    if (this.arenaUsed + len > this.arena.length) {
      const next = new Uint8Array(grownSize(this.arena.length, this.arenaUsed + len));
      next.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = next;
    }
    const off = this.arenaUsed;
    this.arenaUsed += len;
    return off;
  }

  private grow(needed: number): void {
    const n = grownSize(this.capacity, needed);
    this.hashes = growU32(this.hashes, n);
    this.offsets = growU32(this.offsets, n);
    this.lengths = growU16(this.lengths, n);
    this.capacity = n;
    this.onGrow(n);
  }

  private rehash(size: number): void {
    const table = new Int32Array(size);
    const mask = size - 1;
    for (let slot = 0; slot < this.highWater; slot++) {
      if (this.lengths[slot] === EMPTY_LEN) continue;
      let i = this.hashes[slot]! & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = slot + 1;
    }
    this.table = table;
    this.mask = mask;
  }

  isLive(slot: number): boolean {
    return slot < this.highWater && this.lengths[slot] !== EMPTY_LEN;
  }

  keyOf(slot: number): string {
    const off = this.offsets[slot]!;
    const len = this.lengths[slot]!;
    const a = this.arena;
    let ascii = true;
    for (let j = 0; j < len; j++) if (a[off + j]! >= 128) { ascii = false; break; }
    if (!ascii) return decoder.decode(a.subarray(off, off + len));
    let s = '';
    for (let j = 0; j < len; j++) s += String.fromCharCode(a[off + j]!);
    return s;
  }

  /** Byte-wise order of two keys' UTF-8 (equals code-point order): a total order for ties. */
  compare(a: number, b: number): number {
    const oa = this.offsets[a]!, ob = this.offsets[b]!;
    const la = this.lengths[a]!, lb = this.lengths[b]!;
    const n = Math.min(la, lb);
    for (let j = 0; j < n; j++) {
      const d = this.arena[oa + j]! - this.arena[ob + j]!;
      if (d !== 0) return d;
    }
    return la - lb;
  }

  /** Removes a key; its slot goes on the free list. Backward-shift deletion keeps probes short. */
  remove(slot: number): void {
    const mask = this.mask;
    let i = this.hashes[slot]! & mask;
    while (this.table[i] !== slot + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const cell = this.table[j]!;
      if (cell === 0) break;
      const home = this.hashes[cell - 1]! & mask;
      // Move cell j back to i when its home position is not cyclically in (i, j].
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) { this.table[i] = cell; i = j; }
    }
    this.table[i] = 0;
    this.arenaGarbage += this.lengths[slot]!;
    this.lengths[slot] = EMPTY_LEN;
    if (this.freeTop === this.freeSlots.length) this.freeSlots = growI32(this.freeSlots, grownSize(this.freeTop, this.freeTop + 1));
    this.freeSlots[this.freeTop++] = slot;
    this.size--;
    if (this.arenaGarbage > 1 << 20 && this.arenaGarbage * 2 > this.arenaUsed) this.compact();
  }

  private compact(): void {
    const live = this.arenaUsed - this.arenaGarbage;
    const next = new Uint8Array(grownSize(0, live + 1024));
    let used = 0;
    for (let slot = 0; slot < this.highWater; slot++) {
      const len = this.lengths[slot]!;
      if (len === EMPTY_LEN) continue;
      const off = this.offsets[slot]!;
      next.set(this.arena.subarray(off, off + len), used);
      this.offsets[slot] = used;
      used += len;
    }
    this.arena = next;
    this.arenaUsed = used;
    this.arenaGarbage = 0;
  }

  bytes(): number {
    return this.table.byteLength + this.hashes.byteLength + this.offsets.byteLength + this.lengths.byteLength
      + this.freeSlots.byteLength + this.arena.byteLength;
  }
}
