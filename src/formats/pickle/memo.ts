import { K, retained, unknown, type PyValue, type UnknownValue } from "./values.js";

/** Entries kept whole; past this the memo keeps only what can matter for imports (CWE-770). */
const KEEP_ALL_ENTRIES = 1 << 16;
/**
 * Identifier-like strings kept past KEEP_ALL_ENTRIES: module and attribute names that a later
 * STACK_GLOBAL may fetch. Real pickles have a few hundred; data strings that look like names
 * fill the rest, and an import built from a dropped string is reported as unresolved.
 */
const MAX_KEPT_NAMES = 1 << 16;
/** Call results (objects) kept past KEEP_ALL_ENTRIES, e.g. a numpy dtype reused by later arrays. */
const MAX_KEPT_CALLS = 1 << 16;
/**
 * Objects the kept memo values may hold alive (CWE-770, see `retained`). Past it, entries are
 * kept only when they are imports or names, like entries past KEEP_ALL_ENTRIES: 65,536 memoized
 * lists that each hold sixteen more would otherwise hold over a million objects.
 */
const MAX_KEPT_WEIGHT = 1 << 18;
/** Dense bitset covers memo keys below this; larger keys (attacker-chosen) go to a set. */
const BITSET_KEYS = 1 << 27;
const NAME = /^[A-Za-z_][A-Za-z0-9_.]{0,127}$/;

/** What a GET returns for an entry that was stored but not kept. */
export const DROPPED: UnknownValue = unknown("memo value not kept (memo budget reached)");

/**
 * What the memo stores for `value`: a tuple is copied. A tuple is immutable, so the copy reads
 * the same; the point is memory. Protocol 4 memoizes every tuple, and the memo keeps the first
 * 65,536 whole: V8 sees most tuples made by the VM survive and then allocates every later tuple
 * straight in the old generation (allocation-site pretenuring), where a million short-lived
 * tuples pile up as garbage until a full collection (about 190 MB RSS instead of 120 MB for a
 * list of a million small tuples). Copies made here keep the VM's own tuples short-lived.
 */
function keepable(value: PyValue): PyValue {
  if (typeof value !== "object" || value === null || value.k !== K.Tuple) return value;
  return value.r === undefined
    ? { k: K.Tuple, items: value.items.slice(), n: value.n, v: value.v }
    : { k: K.Tuple, items: value.items.slice(), n: value.n, v: value.v, r: value.r };
}

/**
 * The pickle memo with bounded memory. Real pickles memoize every object, so a large pickle
 * has millions of entries; holding all of them would make memory grow with the file. The first
 * entries are kept whole; after that only imports and name-like strings are kept (what
 * STACK_GLOBAL and calls need), and other entries are remembered as present but dropped.
 */
export class Memo {
  count = 0;
  private readonly dense: (PyValue | undefined)[] = [];
  private readonly sparse = new Map<number, PyValue>();
  private droppedBits = new Uint8Array(0);
  private readonly droppedHigh = new Set<number>();
  private keptNames = 0;
  private maxKey = KEEP_ALL_ENTRIES - 1;
  private keptCalls = 0;
  /** Objects the kept values hold alive, as `retained` counts them (counted when stored, never taken back). */
  weight = 0;

  constructor(private readonly maxEntries: number) {}

  /**
   * Entries holding a value in memory (not just a dropped bit): the memo's share of the VM's
   * live-values budget. A field, kept current by every change, because the VM reads it at each put.
   */
  held = 0;

  private updateHeld(): void {
    this.held = Math.min(this.count, KEEP_ALL_ENTRIES) + this.sparse.size + this.droppedHigh.size;
  }

  /** The stored value, DROPPED for a present but dropped entry, undefined when absent. */
  get(key: number): PyValue | undefined {
    const value = key < KEEP_ALL_ENTRIES ? this.dense[key] : this.sparse.get(key);
    if (value !== undefined) return value;
    return this.isDropped(key) ? DROPPED : undefined;
  }

  /** Stores `value` at `key`; false when a new key would exceed `maxEntries`. */
  put(key: number, value: PyValue): boolean {
    const stored = this.store(key, value);
    this.updateHeld();
    return stored;
  }

  private store(key: number, value: PyValue): boolean {
    if (key < KEEP_ALL_ENTRIES) {
      if (this.dense[key] === undefined) {
        if (this.count >= this.maxEntries) return false;
        this.count++;
        while (this.dense.length < key) this.dense.push(undefined);
      }
      const weight = typeof value === "object" && value !== null ? retained(value) : 0;
      if (weight > 1 && this.weight + weight > MAX_KEPT_WEIGHT && !this.isName(value)) {
        this.dense[key] = DROPPED;
        return true;
      }
      this.weight += weight;
      this.dense[key] = keepable(value);
      return true;
    }
    // Picklers number entries upwards, so a key above every key seen is new: no lookups needed.
    const fresh = key > this.maxKey;
    if (fresh) this.maxKey = key;
    const kept = !fresh && this.sparse.has(key);
    const dropped = !fresh && !kept && this.isDropped(key);
    if (!kept && !dropped) {
      if (this.count >= this.maxEntries) return false;
      this.count++;
    }
    if (this.worthKeeping(value)) {
      this.sparse.set(key, value);
      if (dropped) this.clearDropped(key);
    } else {
      if (kept) this.sparse.delete(key);
      if (!dropped) this.setDropped(key);
    }
    return true;
  }

  /**
   * put() for the common case where it would only mark a new key dropped: past KEEP_ALL_ENTRIES, a
   * key above every key seen, room left, and a value that worthKeeping() turns down. The value is
   * a short str given as its UTF-8 bytes (`win[start, start + n)`, n < 128, `value` undefined), or
   * a value already made. True when done; false means nothing changed and the caller must put().
   * Small, so that the VM's hot loop can afford it for each of millions of strs and tuples.
   */
  dropFresh(key: number, value: PyValue | undefined, win: Uint8Array, start: number, n: number): boolean {
    if (key <= this.maxKey || key >= BITSET_KEYS || this.count < KEEP_ALL_ENTRIES || this.count >= this.maxEntries) return false;
    if (value === undefined) {
      if (this.keptNames < MAX_KEPT_NAMES && isNameBytes(win, start, n)) return false;
    } else if (typeof value !== "object" || value === null || value.k === K.Global || value.k === K.Call) return false;
    this.maxKey = key;
    this.count++;
    // setDropped()'s bitset branch, written out: a call here cost the vocabulary scan ~5-8 % CPU.
    const byte = key >>> 3;
    if (byte >= this.droppedBits.length) this.growDropped(byte);
    this.droppedBits[byte] = (this.droppedBits[byte] as number) | (1 << (key & 7));
    return true;
  }

  private isName(value: PyValue): boolean {
    return typeof value === "object" && value !== null && value.k === K.Global;
  }

  private worthKeeping(value: PyValue): boolean {
    if (typeof value === "object" && value !== null) {
      if (value.k === K.Global) return true;
      // Checked first: past KEEP_ALL_ENTRIES most values are containers that are not kept, and
      // retained() would only be spent on them.
      if (this.count > KEEP_ALL_ENTRIES && value.k !== K.Call) return false;
      const weight = retained(value);
      if (this.weight + weight > MAX_KEPT_WEIGHT) return false;
      if (this.count > KEEP_ALL_ENTRIES && !(this.keptCalls++ < MAX_KEPT_CALLS)) return false;
      this.weight += weight;
      return true;
    }
    if (this.count <= KEEP_ALL_ENTRIES) return true;
    if (typeof value === "string" && this.keptNames < MAX_KEPT_NAMES && NAME.test(value)) {
      this.keptNames++;
      return true;
    }
    return false;
  }

  private isDropped(key: number): boolean {
    if (key >= BITSET_KEYS) return this.droppedHigh.has(key);
    const byte = key >>> 3;
    return byte < this.droppedBits.length && ((this.droppedBits[byte] as number) & (1 << (key & 7))) !== 0;
  }

  private setDropped(key: number): void {
    if (key >= BITSET_KEYS) {
      this.droppedHigh.add(key);
      return;
    }
    const byte = key >>> 3;
    if (byte >= this.droppedBits.length) this.growDropped(byte);
    this.droppedBits[byte] = (this.droppedBits[byte] as number) | (1 << (key & 7));
  }

  private growDropped(byte: number): void {
    const grown = new Uint8Array(Math.max(byte + 1, this.droppedBits.length * 2, 1024));
    grown.set(this.droppedBits);
    this.droppedBits = grown;
  }

  private clearDropped(key: number): void {
    if (key >= BITSET_KEYS) this.droppedHigh.delete(key);
    else if (key >>> 3 < this.droppedBits.length) this.droppedBits[key >>> 3] = (this.droppedBits[key >>> 3] as number) & ~(1 << (key & 7));
  }
}

/**
 * Whether UTF-8 bytes decode to a string that matches NAME: a non-ASCII byte never decodes to one
 * of its characters, and `n` is under 128 here.
 */
function isNameBytes(win: Uint8Array, start: number, n: number): boolean {
  if (n === 0) return false;
  const first = win[start] as number;
  if (!((first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a) || first === 0x5f)) return false;
  for (let i = start + 1; i < start + n; i++) {
    const c = win[i] as number;
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e)) return false;
  }
  return true;
}
