import type { FormatSniffer, SniffStrength } from "../../core/handler.js";
import { isBzip2Header, isSevenZip, isXz, looksLikeLzmaAlone } from "../codecs/magic.js";
import { isGzip } from "./gzip-header.js";

const startsWith = (h: Uint8Array, sig: readonly number[], at = 0): boolean => sig.every((b, i) => h[at + i] === b);

export const gzipSniffer: FormatSniffer = { id: "gzip", priority: 10, sniff: (head) => (isGzip(head) ? "strong" : "no") };

/**
 * RFC 1950 CMF/FLG: deflate (CM 8), window at most 32 KiB (CINFO <= 7), FCHECK makes the pair a
 * multiple of 31, no preset dictionary. Two bytes are weak evidence (78 9C is common text), so
 * the match is only weak and kept only when the stream inflates.
 */
export function sniffZlib(head: Uint8Array): SniffStrength {
  if (head.length < 2) return "no";
  const cmf = head[0]!;
  const flg = head[1]!;
  const ok = (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0 && (flg & 0x20) === 0;
  return ok ? "weak" : "no";
}

export const zlibSniffer: FormatSniffer = { id: "zlib", priority: 5, sniff: (head) => sniffZlib(head) };

const isZstd = (h: Uint8Array): boolean => h[0] === 0x28 && h[1] === 0xb5 && h[2] === 0x2f && h[3] === 0xfd;
/** RFC 8878 3.1.2: skippable frame magic 0x184D2A50-5F, which may precede the first real frame. */
const isSkippable = (h: Uint8Array): boolean => (h[0]! & 0xf0) === 0x50 && h[1] === 0x2a && h[2] === 0x4d && h[3] === 0x18;

export const zstdSniffer: FormatSniffer = {
  id: "zstd",
  priority: 10,
  sniff: (head) => (isZstd(head) ? "strong" : head.length >= 4 && isSkippable(head) ? "weak" : "no"),
};

/** LZ4 frames (04 22 4D 18) and legacy frames (02 21 4C 18). */
export const lz4Sniffer: FormatSniffer = {
  id: "lz4",
  priority: 10,
  sniff: (head) => (startsWith(head, [0x04, 0x22, 0x4d, 0x18]) || startsWith(head, [0x02, 0x21, 0x4c, 0x18]) ? "strong" : "no"),
};

/** Block magic (pi) and end-of-stream magic (sqrt(pi)) in BCD, right after "BZh" + level. */
const BLOCK_MAGIC = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
const EOS_MAGIC = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];

export const bzip2Sniffer: FormatSniffer = {
  id: "bzip2",
  priority: 10,
  sniff: (h) => (isBzip2Header(h) && (startsWith(h, BLOCK_MAGIC, 4) || startsWith(h, EOS_MAGIC, 4)) ? "strong" : "no"),
};

export const xzSniffer: FormatSniffer = { id: "xz", priority: 10, sniff: (head) => (isXz(head) ? "strong" : "no") };

export const lzmaAloneSniffer: FormatSniffer = { id: "lzma", priority: 5, sniff: (head) => (looksLikeLzmaAlone(head) ? "weak" : "no") };

export const sevenZipSniffer: FormatSniffer = { id: "7z", priority: 10, sniff: (head) => (isSevenZip(head) ? "strong" : "no") };
