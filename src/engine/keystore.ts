/**
 * Key strings → dense slot numbers, plus one fixed-size record per slot, without a JS Map
 * (which caps at 2^24 entries and costs ~80 bytes per entry).
 *
 * - The table is open addressing with linear probing; each 32-bit cell holds slot + 1 and a
 *   6-bit tag from the hash, so a probe rarely touches anything but the table (up to 2^26 keys).
 * - Each slot owns `stride` 32-bit words in one buffer, seen as Int32, Float32 and bytes.
 *   Words 0–3 are the key: its UTF-8 length, then up to 12 bytes inline, or for longer keys
 *   the offset of its bytes in one arena. The rest belong to the engine and its detector.
 *   A lookup touches the table and the key's record, which the engine reads next anyway:
 *   two cache lines per event for the usual short product ids, not one per field.
 * Deleted slots are recycled through a free list; the arena is compacted when half garbage.
 */
const MAX_LOAD = 0.7;
const DEAD = -1;
/** Record words that hold the key; callers' words start here. */
export const KEY_WORDS = 4;
const INLINE_BYTES = 12;
const TAG_BITS = 6;
const TAG_SPAN = 1 << TAG_BITS;
export const MAX_KEYS = 2 ** (32 - TAG_BITS) - 2;
const LEN_MASK = 0xffff;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Growth by 1.25×: a little more copying than doubling, much less slack held per key. */
export function grownSize(current: number, needed: number): number {
  let n = Math.max(16, current);
  while (n < needed) n = Math.ceil(n * 1.25);
  return n;
}

/** FNV-1a over UTF-8 bytes, with a murmur3 finaliser so the low bits spread well. */
export function finaliseHash(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashBytes(bytes: Uint8Array, from: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < from + len; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return finaliseHash(h);
}

let scratch = new Uint8Array(1024);
let scratchLen = 0;
function scratchEncode(s: string): Uint8Array {
  if (scratch.length < s.length * 3) scratch = new Uint8Array(s.length * 3);
  scratchLen = encoder.encodeInto(s, scratch).written;
  return scratch;
}

/** Hash of a string's UTF-8 bytes (the same as the key store's). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return hashBytes(scratchEncode(s), 0, scratchLen);
    h = Math.imul(h ^ c, 0x01000193);
  }
  return finaliseHash(h);
}

export class KeyStore {
  /** (slot + 1) · 64 + tag per cell; 0 marks an empty cell. */
  private table: Uint32Array;
  private mask: number;
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  private arenaGarbage = 0;
  private freeSlots = new Int32Array(0);
  private freeTop = 0;
  /** Per-slot records, `stride` words each; words 0..KEY_WORDS-1 hold the key. */
  i32 = new Int32Array(0);
  f32 = new Float32Array(0);
  private u8 = new Uint8Array(0);
  /** Second result of bytesAt(): the offset within the array it returned. */
  private at = 0;
  /** Slots ever handed out; every slot < highWater is live or on the free list. */
  highWater = 0;
  size = 0;
  capacity = 0;
  /** True when the last intern() created the key. */
  created = false;

  constructor(readonly stride: number, private readonly onGrow: (capacity: number) => void = () => {}) {
    this.table = new Uint32Array(1024);
    this.mask = 1023;
  }

  get full(): boolean { return this.size >= MAX_KEYS; }

  /** The slot of `key`, creating it when absent (then `created` is true); −1 when absent and full. */
  intern(key: string): number {
    let h = 0x811c9dc5;
    let bytes: Uint8Array | null = null;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c >= 128) { bytes = scratchEncode(key); break; }
      h = Math.imul(h ^ c, 0x01000193);
    }
    const len = bytes === null ? key.length : scratchLen;
    h = bytes === null ? finaliseHash(h) : hashBytes(bytes, 0, len);
    const table = this.table;
    const mask = this.mask;
    const tag = h >>> (32 - TAG_BITS);
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const cell = table[i]!;
      if (cell === 0) break;
      if ((cell & (TAG_SPAN - 1)) === tag && this.sameBytes((cell >>> TAG_BITS) - 1, key, bytes, len)) {
        this.created = false;
        return (cell >>> TAG_BITS) - 1;
      }
    }
    if (this.size >= MAX_KEYS) { this.created = false; return -1; }
    this.created = true;
    return this.insert(key, bytes, len, h);
  }

  /** Where the key's bytes are: [array, offset]. */
  private bytesAt(slot: number): Uint8Array {
    const rec = slot * this.stride;
    if ((this.i32[rec]! & LEN_MASK) <= INLINE_BYTES) { this.at = rec * 4 + 4; return this.u8; }
    this.at = this.i32[rec + 1]!;
    return this.arena;
  }

  private sameBytes(slot: number, key: string, bytes: Uint8Array | null, len: number): boolean {
    if ((this.i32[slot * this.stride]! & LEN_MASK) !== len) return false;
    const src = this.bytesAt(slot);
    const at = this.at;
    if (bytes === null) {
      for (let j = 0; j < len; j++) if (src[at + j] !== key.charCodeAt(j)) return false;
    } else {
      for (let j = 0; j < len; j++) if (src[at + j] !== bytes[j]) return false;
    }
    return true;
  }

  private insert(key: string, bytes: Uint8Array | null, len: number, h: number): number {
    if (len === 0 || len > LEN_MASK) throw new RangeError('key length out of range');
    if (this.size + 1 > (this.mask + 1) * MAX_LOAD) this.rehash((this.mask + 1) * 2);
    const slot = this.freeTop > 0 ? this.freeSlots[--this.freeTop]! : this.highWater++;
    if (slot >= this.capacity) this.grow(slot + 1);
    const rec = slot * this.stride;
    this.i32.fill(0, rec, rec + this.stride);
    this.i32[rec] = len;
    let dst = this.u8;
    let at = rec * 4 + 4;
    if (len > INLINE_BYTES) {
      at = this.reserveArena(len);
      this.i32[rec + 1] = at;
      dst = this.arena;
    }
    if (bytes === null) for (let j = 0; j < len; j++) dst[at + j] = key.charCodeAt(j);
    else dst.set(bytes.subarray(0, len), at);
    this.place(this.table, this.mask, h, slot);
    this.size++;
    return slot;
  }

  private place(table: Uint32Array, mask: number, h: number, slot: number): void {
    let i = h & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = (slot + 1) * TAG_SPAN + (h >>> (32 - TAG_BITS));
  }

  /** The hash of a stored key, recomputed from its bytes (the table keeps only a tag). */
  private hashOf(slot: number): number {
    const src = this.bytesAt(slot);
    return hashBytes(src, this.at, this.i32[slot * this.stride]! & LEN_MASK);
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
    // Records are most of the memory: grow them by 1/8 at a time (more copying, less slack).
    let n = Math.max(1024, this.capacity);
    while (n < needed) n = Math.ceil(n * 1.125);
    const buf = new ArrayBuffer(n * this.stride * 4);
    const i32 = new Int32Array(buf);
    i32.set(this.i32);
    this.i32 = i32;
    this.f32 = new Float32Array(buf);
    this.u8 = new Uint8Array(buf);
    this.capacity = n;
    this.onGrow(n);
  }

  private rehash(cells: number): void {
    const table = new Uint32Array(cells);
    const mask = cells - 1;
    for (const cell of this.table) {
      if (cell === 0) continue;
      const slot = (cell >>> TAG_BITS) - 1;
      this.place(table, mask, this.hashOf(slot), slot);
    }
    this.table = table;
    this.mask = mask;
  }

  /** Bits 16–31 of record word 0 are free for the caller (e.g. a detector's flags). */
  userBits(slot: number): number { return this.i32[slot * this.stride]! >>> 16; }
  setUserBits(slot: number, bits: number): void {
    const rec = slot * this.stride;
    this.i32[rec] = (this.i32[rec]! & LEN_MASK) | (bits << 16);
  }

  isLive(slot: number): boolean {
    return slot < this.highWater && this.i32[slot * this.stride] !== DEAD;
  }

  keyOf(slot: number): string {
    const len = this.i32[slot * this.stride]! & LEN_MASK;
    const a = this.bytesAt(slot);
    const at = this.at;
    let ascii = true;
    for (let j = 0; j < len; j++) if (a[at + j]! >= 128) { ascii = false; break; }
    if (!ascii) return decoder.decode(a.subarray(at, at + len));
    let s = '';
    for (let j = 0; j < len; j++) s += String.fromCharCode(a[at + j]!);
    return s;
  }

  /** Byte-wise order of two keys' UTF-8 (equals code-point order): a total order for ties. */
  compare(x: number, y: number): number {
    const lx = this.i32[x * this.stride]! & LEN_MASK, ly = this.i32[y * this.stride]! & LEN_MASK;
    const ax = this.bytesAt(x), ox = this.at;
    const ay = this.bytesAt(y), oy = this.at;
    const n = Math.min(lx, ly);
    for (let j = 0; j < n; j++) {
      const d = ax[ox + j]! - ay[oy + j]!;
      if (d !== 0) return d;
    }
    return lx - ly;
  }

  /** Removes a key; its slot goes on the free list. Backward-shift deletion keeps probes short. */
  remove(slot: number): void {
    const len = this.i32[slot * this.stride]! & LEN_MASK;
    const mask = this.mask;
    const t = this.table;
    let i = this.hashOf(slot) & mask;
    while (t[i]! >>> TAG_BITS !== slot + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const cell = t[j]!;
      if (cell === 0) break;
      const home = this.hashOf((cell >>> TAG_BITS) - 1) & mask;
      // Move cell j back to i unless its home position lies cyclically in (i, j].
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) { t[i] = cell; i = j; }
    }
    t[i] = 0;
    if (len > INLINE_BYTES) this.arenaGarbage += len;
    this.i32[slot * this.stride] = DEAD;
    if (this.freeTop === this.freeSlots.length) {
      const f = new Int32Array(grownSize(this.freeTop, this.freeTop + 1)); f.set(this.freeSlots); this.freeSlots = f;
    }
    this.freeSlots[this.freeTop++] = slot;
    this.size--;
    if (this.arenaGarbage > 1 << 20 && this.arenaGarbage * 2 > this.arenaUsed) this.compact();
  }

  private compact(): void {
    const next = new Uint8Array(grownSize(0, this.arenaUsed - this.arenaGarbage + 1024));
    let used = 0;
    for (let slot = 0; slot < this.highWater; slot++) {
      const rec = slot * this.stride;
      const word = this.i32[rec]!;
      const n = word & LEN_MASK;
      if (word === DEAD || n <= INLINE_BYTES) continue;
      const off = this.i32[rec + 1]!;
      next.set(this.arena.subarray(off, off + n), used);
      this.i32[rec + 1] = used;
      used += n;
    }
    this.arena = next;
    this.arenaUsed = used;
    this.arenaGarbage = 0;
  }

  bytes(): number {
    return this.table.byteLength + this.i32.byteLength + this.freeSlots.byteLength + this.arena.byteLength;
  }

  /** bytes() by part: the hash table, the records (with their growth slack), long keys and free slots. */
  parts(): Record<string, number> {
    return { keyTable: this.table.byteLength, keyRecords: this.i32.byteLength, keyArena: this.arena.byteLength + this.freeSlots.byteLength };
  }
}
