/** One 512-byte tar header block (POSIX.1-1988 ustar, GNU and v7 layouts). */

export const BLOCK = 512;

export interface RawHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  typeflag: string;
  linkName: string;
  magic: "ustar" | "gnu" | "v7";
  prefix: string;
  /** Stored checksum matched the unsigned or the signed sum. */
  checksumOk: boolean;
  /** A numeric field did not parse (Python's tarfile calls the header invalid). */
  badNumber?: string;
}

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** NUL-terminated string field; UTF-8 when it decodes, else Latin-1 (tarfile's surrogateescape is not portable). */
export function field(raw: Uint8Array): string {
  const nul = raw.indexOf(0);
  const s = nul < 0 ? raw : raw.subarray(0, nul);
  try {
    return utf8.decode(s);
  } catch {
    return latin1.decode(s);
  }
}

/**
 * Numeric field: octal ASCII (leading spaces, terminated by NUL or space), or GNU base-256 when the
 * first byte has its high bit set. Undefined when it is neither, or beyond 2^53.
 */
export function numeric(raw: Uint8Array): number | undefined {
  if (raw[0] === 0x80 || raw[0] === 0xff) {
    if (raw[0] === 0xff) return undefined; // negative
    let n = 0;
    for (let i = 1; i < raw.length; i++) n = n * 256 + raw[i]!;
    return Number.isSafeInteger(n) ? n : undefined;
  }
  if (!mayBeOctalText(raw)) return undefined;
  const text = latin1.decode(raw).replace(/\0.*$/s, "").trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  const n = parseInt(text, 8);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Whether the bytes before the first NUL are all octal digits or whitespace (as latin1 decodes
 * them): anything else survives the trim and fails the octal test, so the field is not a number.
 * Sniffing checks a header of every file, and most are not tars: this skips the decoding.
 */
function mayBeOctalText(raw: Uint8Array): boolean {
  for (const b of raw) {
    if (b === 0) return true;
    if (!((b >= 0x30 && b <= 0x37) || (b >= 0x09 && b <= 0x0d) || b === 0x20 || b === 0xa0)) return false;
  }
  return true;
}

const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72];

/**
 * Whether the header's magic field (offset 257) starts with "ustar": POSIX "ustar\0" and GNU
 * "ustar ". Compared as bytes; decoding the field first gives the same answer at more cost.
 */
export function hasUstarMagic(head: Uint8Array): boolean {
  return USTAR.every((b, i) => head[257 + i] === b);
}

export function isZeroBlock(b: Uint8Array): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

/** POSIX checksum: the header's bytes summed with the checksum field read as spaces; some writers sum signed bytes. */
export function checksumMatches(b: Uint8Array): boolean {
  const stored = numeric(b.subarray(148, 156));
  if (stored === undefined) return false;
  let unsigned = 8 * 0x20;
  let signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    unsigned += b[i]!;
    signed += b[i]! > 127 ? b[i]! - 256 : b[i]!;
  }
  return stored === unsigned || stored === signed;
}

export function parseHeader(b: Uint8Array): RawHeader {
  // Field offsets: POSIX.1-1988 ustar header (also in GNU tar's tar.h).
  const magicField = field(b.subarray(257, 263));
  const version = field(b.subarray(263, 265));
  const magic = magicField === "ustar" && version === " " ? "gnu" : magicField === "ustar" ? "ustar" : "v7";
  const numbers = { mode: numeric(b.subarray(100, 108)), uid: numeric(b.subarray(108, 116)), gid: numeric(b.subarray(116, 124)), size: numeric(b.subarray(124, 136)) };
  const bad = Object.entries(numbers).find(([, v]) => v === undefined)?.[0];
  const h: RawHeader = {
    name: field(b.subarray(0, 100)),
    mode: numbers.mode ?? 0,
    uid: numbers.uid ?? 0,
    gid: numbers.gid ?? 0,
    size: numbers.size ?? 0,
    typeflag: String.fromCharCode(b[156]!),
    linkName: field(b.subarray(157, 257)),
    magic,
    // GNU headers keep atime/ctime where ustar keeps the prefix.
    prefix: magic === "ustar" ? field(b.subarray(345, 500)) : "",
    checksumOk: checksumMatches(b),
  };
  if (bad) h.badNumber = bad;
  return h;
}
