/**
 * The legacy `.lzma` format (LZMA SDK "LZMA Alone", joblib's `lzma` compressor): a 13-byte header
 * (properties byte, little-endian u32 dictionary size, u64 uncompressed size or all ones for
 * "unknown, ends with an end marker") and one LZMA1 stream. Python's lzma module reads
 * concatenated streams, so a second valid header after the first stream is decoded too.
 */
import type { ByteSource } from "../../core/byte-source.js";
import { SourceReader } from "./input.js";
import { decodeLzma1, dictProblem } from "./lzma.js";
import { LZMA_ALONE_HEADER_BYTES, isPickyLzmaAlone, looksLikeLzmaAlone, readLzmaAloneHeader, type LzmaAloneHeader } from "./magic.js";
import { Output } from "./output.js";
import type { CodecNote, DecodeControl, DecodeResult } from "./types.js";

export { LZMA_ALONE_HEADER_BYTES, isPickyLzmaAlone, looksLikeLzmaAlone, readLzmaAloneHeader, type LzmaAloneHeader };

/** Streams per file: each costs a header check and a decoder (CWE-834). */
const MAX_LZMA_STREAMS = 65_536;

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
