/**
 * The header H2O writes in front of a binary (Iced) model: `water.AutoBuffer(OutputStream, true)`
 * puts bytes 0x1C 0xED, the H2O version (`putStr`) and the type map (`putAStr`, the class name
 * of every Iced type id). Integers are AutoBuffer's compressed ints, little-endian (native order).
 */

/** Magic of a persisted AutoBuffer stream ("Missing magic number 0x1CED at stream start"). */
export const ICED_MAGIC: readonly number[] = [0x1c, 0xed];

/** Type map entries kept in the document (CWE-770); H2O ships a few thousand. */
export const ICED_MAX_TYPE_NAMES = 20_000;

/** Longest version string accepted as an H2O version (`3.46.0.6`). */
const MAX_VERSION_CHARS = 64;

export interface IcedHeader {
  version: string;
  /** Class names by type id (null for unused ids). */
  typeMap: (string | null)[];
  /** Offset just after the type map (or where reading it stopped). */
  end: number;
  /** The type map was read to its end. */
  typeMapComplete: boolean;
}

class LittleReader {
  pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }
  has(n: number): boolean {
    return n >= 0 && this.pos + n <= this.bytes.length;
  }
  /** AutoBuffer.getInt: one byte for -1..252, 0xFF + i16, 0xFE + i32. Undefined past the end. */
  int(): number | undefined {
    if (!this.has(1)) return undefined;
    const first = this.bytes[this.pos++] as number;
    if (first <= 253) return first - 1;
    const b = this.bytes;
    if (first === 255) {
      if (!this.has(2)) return undefined;
      const v = ((b[this.pos] as number) | ((b[this.pos + 1] as number) << 8)) << 16 >> 16;
      this.pos += 2;
      return v;
    }
    if (!this.has(4)) return undefined;
    const v = (b[this.pos] as number) | ((b[this.pos + 1] as number) << 8) | ((b[this.pos + 2] as number) << 16) | ((b[this.pos + 3] as number) << 24);
    this.pos += 4;
    return v;
  }
  /** AutoBuffer.getStr: compressed length (-1 = null) then UTF-8 bytes. */
  str(): string | null | undefined {
    const length = this.int();
    if (length === undefined || length < -1) return undefined;
    if (length === -1) return null;
    if (!this.has(length)) return undefined;
    const text = new TextDecoder("utf-8", { fatal: false }).decode(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return text;
  }
}

/** True when `head` starts like a persisted H2O model: magic, then a version string such as `3.46.0.6`. */
export function looksLikeIcedModel(head: Uint8Array): boolean {
  if (head[0] !== ICED_MAGIC[0] || head[1] !== ICED_MAGIC[1]) return false;
  const version = new LittleReader(head, 2).str();
  return typeof version === "string" && version.length <= MAX_VERSION_CHARS && /^\d+(?:\.\d+)+/.test(version);
}

/**
 * Reads the header from the first bytes of the file. Returns undefined when the magic or version
 * is missing; a type map cut short by the buffer is returned as far as it goes.
 *
 * @example
 * parseIcedHeader(head)?.version; // "3.46.0.6"
 */
export function parseIcedHeader(bytes: Uint8Array): IcedHeader | undefined {
  if (!looksLikeIcedModel(bytes)) return undefined;
  const r = new LittleReader(bytes, 2);
  const version = r.str() as string;
  const header: IcedHeader = { version, typeMap: [], end: r.pos, typeMapComplete: false };
  // putAStr is zero-compressed (putZA): leading nulls, non-null count, trailing nulls, then the middle.
  const leading = r.int();
  if (leading === undefined || leading < -1) return header;
  if (leading === -1) {
    header.end = r.pos;
    header.typeMapComplete = true;
    return header;
  }
  const middle = r.int();
  if (middle === undefined || middle < 0) return header;
  const trailing = middle === 0 ? 0 : r.int();
  if (trailing === undefined || trailing < 0) return header;
  for (let i = 0; i < Math.min(leading, ICED_MAX_TYPE_NAMES); i++) header.typeMap.push(null);
  for (let i = 0; i < middle; i++) {
    const name = r.str();
    if (name === undefined) return header;
    if (header.typeMap.length < ICED_MAX_TYPE_NAMES) header.typeMap.push(name);
    header.end = r.pos;
  }
  header.end = r.pos;
  header.typeMapComplete = true;
  return header;
}
