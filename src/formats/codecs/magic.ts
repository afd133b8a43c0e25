// Magic numbers and headers of the codecs' containers, apart from the decoders: sniffing loads
// this module, and a decoder loads only when a file needs it.

export const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] as const;
export const SEVEN_ZIP_MAGIC = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] as const;

/** xz stream header magic at offset 0. */
export function isXz(head: Uint8Array): boolean {
  return XZ_MAGIC.every((b, i) => head[i] === b);
}

/** 7z signature header magic at offset 0. */
export function isSevenZip(head: Uint8Array): boolean {
  return SEVEN_ZIP_MAGIC.every((b, i) => head[i] === b);
}

/** "BZh" and a block-size digit 1-9. */
export function isBzip2Header(head: Uint8Array): boolean {
  return head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68 && head[3]! >= 0x31 && head[3]! <= 0x39;
}

export interface LzmaProps {
  lc: number;
  lp: number;
  pb: number;
}

/** The lc/lp/pb properties byte ((pb * 5 + lp) * 9 + lc); undefined when out of range. */
export function parseLzmaProps(byte: number): LzmaProps | undefined {
  if (byte >= 9 * 5 * 5) return undefined;
  return { lc: byte % 9, lp: Math.floor(byte / 9) % 5, pb: Math.floor(byte / 45) };
}

export const LZMA_ALONE_HEADER_BYTES = 13;
/** liblzma's picky .lzma detection refuses uncompressed sizes from 2^38 (256 GiB) on. */
const MAX_PICKY_SIZE = 2 ** 38;

export interface LzmaAloneHeader {
  propsByte: number;
  props: LzmaProps;
  dictSize: number;
  /** Declared uncompressed size; undefined when unknown (all ones). */
  unpackSize?: number;
}

/** Parses the 13-byte header; undefined when the properties byte is invalid or the size is past 2^53. */
export function readLzmaAloneHeader(h: Uint8Array): LzmaAloneHeader | undefined {
  if (h.length < LZMA_ALONE_HEADER_BYTES) return undefined;
  const props = parseLzmaProps(h[0]!);
  if (!props) return undefined;
  const dictSize = (h[1]! | (h[2]! << 8) | (h[3]! << 16) | (h[4]! << 24)) >>> 0;
  const lo = (h[5]! | (h[6]! << 8) | (h[7]! << 16) | (h[8]! << 24)) >>> 0;
  const hi = (h[9]! | (h[10]! << 8) | (h[11]! << 16) | (h[12]! << 24)) >>> 0;
  const header: LzmaAloneHeader = { propsByte: h[0]!, props, dictSize };
  if (lo === 0xffffffff && hi === 0xffffffff) return header;
  const size = hi * 2 ** 32 + lo;
  if (!Number.isSafeInteger(size)) return undefined;
  header.unpackSize = size;
  return header;
}

/**
 * liblzma's picky detection (what `lzma.open` and joblib use): a dictionary size of 2^n or
 * 2^n + 2^(n-1) (or all ones), and a known size below 2^38.
 */
export function isPickyLzmaAlone(h: LzmaAloneHeader): boolean {
  const d = h.dictSize;
  let pow = d - 1;
  pow |= pow >>> 2;
  pow |= pow >>> 3;
  pow |= pow >>> 4;
  pow |= pow >>> 8;
  pow |= pow >>> 16;
  pow = (pow + 1) >>> 0;
  const dictOk = d === 0xffffffff || pow === d;
  return dictOk && (h.unpackSize === undefined || h.unpackSize < MAX_PICKY_SIZE);
}

/**
 * The weak sniff: joblib's prefix (properties 0x5D: lc=3 lp=0 pb=2), a picky-valid header, and,
 * when present, the range coder's mandatory first byte 0.
 */
export function looksLikeLzmaAlone(head: Uint8Array): boolean {
  if (head[0] !== 0x5d) return false;
  const h = readLzmaAloneHeader(head);
  if (!h || !isPickyLzmaAlone(h)) return false;
  return head.length <= LZMA_ALONE_HEADER_BYTES || head[LZMA_ALONE_HEADER_BYTES] === 0;
}

