/**
 * The legacy `.lzma` format (LZMA SDK "LZMA Alone", joblib's `lzma` compressor): a 13-byte header
 * (properties byte, little-endian u32 dictionary size, u64 uncompressed size or all ones for
 * "unknown, ends with an end marker") and one LZMA1 stream. Python's lzma module reads
 * concatenated streams, so a second valid header after the first stream is decoded too.
 */
import type { ByteSource } from "../../core/byte-source.js";
import { SourceReader } from "./input.js";
import { decodeLzma1, dictProblem, parseLzmaProps, type LzmaProps } from "./lzma.js";
import { Output } from "./output.js";
import type { CodecNote, DecodeControl, DecodeResult } from "./types.js";

export const LZMA_ALONE_HEADER_BYTES = 13;
/** liblzma's picky .lzma detection refuses uncompressed sizes from 2^38 (256 GiB) on. */
const MAX_PICKY_SIZE = 2 ** 38;
/** Streams per file: each costs a header check and a decoder (CWE-834). */
const MAX_LZMA_STREAMS = 65_536;

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

/**
 * Decodes a `.lzma` file (and any concatenated `.lzma` streams after it) into `ctl.onOutput`.
 *
 * @example
 * const r = await decodeLzmaAlone(source, { onOutput: (c) => (keep(c), true), maxOutput: 1 << 30 });
 */
export async function decodeLzmaAlone(source: ByteSource, ctl: DecodeControl): Promise<DecodeResult> {
  const out = new Output(ctl);
  const notes: CodecNote[] = [];
  let at = 0;
  for (let streams = 0; ; streams++) {
    const head = source.size - at >= LZMA_ALONE_HEADER_BYTES ? await source.read(at, LZMA_ALONE_HEADER_BYTES) : new Uint8Array(0);
    const header = readLzmaAloneHeader(head);
    if (streams > 0) {
      if (at === source.size) return { status: "done", produced: out.produced, notes, streams };
      if (!header || !isPickyLzmaAlone(header) || streams >= MAX_LZMA_STREAMS) {
        notes.push({ code: "appended-data", message: `${source.size - at} bytes after the last .lzma stream are not an .lzma stream`, offset: at });
        return { status: "done", produced: out.produced, notes, streams };
      }
    }
    if (!header) {
      const message = head.length === 0 ? `.lzma file is ${source.size} bytes long, shorter than its 13-byte header` : `.lzma properties byte ${head[0]} is invalid`;
      return { status: "failed", produced: out.produced, defect: { code: head.length === 0 ? "truncated" : "corrupt", message, offset: at }, notes, streams: 1 };
    }
    const tooBig = dictProblem(header.dictSize, at + 1);
    if (tooBig) return { status: "failed", produced: out.produced, defect: tooBig, notes, streams: streams + 1 };
    const reader = new SourceReader(source, at + LZMA_ALONE_HEADER_BYTES);
    const opts = { props: header.props, dictSize: header.dictSize, allowMarkerAfterSize: true, ...(header.unpackSize !== undefined ? { unpackSize: header.unpackSize } : {}) };
    const r = await decodeLzma1(reader, out, opts);
    if (r.status === "failed") return { status: "failed", produced: out.produced, defect: r.defect!, notes, streams: streams + 1 };
    if (r.status === "stopped") return { status: "stopped", produced: out.produced, notes, streams: streams + 1 };
    at += LZMA_ALONE_HEADER_BYTES + r.consumed;
  }
}
