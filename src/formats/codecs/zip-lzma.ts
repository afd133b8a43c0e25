/**
 * LZMA as zip stores it (method 14, APPNOTE 5.8.8): a 2-byte LZMA SDK version, a 2-byte
 * properties size (5), the 5 properties bytes (lc/lp/pb byte, u32 dictionary size), then one raw
 * LZMA1 stream. General-purpose flag bit 1 says an end marker ends the data; Python's zipfile
 * stops at the entry's declared size either way, so the decoder is given that size and accepts a
 * marker after it.
 */
import type { ByteSource } from "../../core/byte-source.js";
import { SourceReader } from "./input.js";
import { decodeLzma1, dictProblem, parseLzmaProps } from "./lzma.js";
import { Output } from "./output.js";
import type { DecodeControl, DecodeResult } from "./types.js";

/** Version (2), properties size (2), properties (5). */
const ZIP_LZMA_HEADER_BYTES = 9;
/** The only properties size LZMA1 has. */
const LZMA_PROPS_BYTES = 5;

/**
 * A decoder for one zip entry's LZMA data, stopping at `unpackSize` (the entry's declared size).
 *
 * @example
 * const r = await zipLzmaDecoder(entry.uncompressedSize)(data, { onOutput, maxOutput: 1 << 30 });
 */
export function zipLzmaDecoder(unpackSize: number): (source: ByteSource, ctl: DecodeControl) => Promise<DecodeResult> {
  return async (source, ctl) => {
    const out = new Output(ctl);
    const fail = (code: "truncated" | "corrupt", message: string, offset: number): DecodeResult => ({ status: "failed", produced: 0, defect: { code, message, offset }, notes: [], streams: 1 });
    if (source.size < ZIP_LZMA_HEADER_BYTES) return fail("truncated", `Zip LZMA data is ${source.size} bytes long, shorter than its ${ZIP_LZMA_HEADER_BYTES}-byte header`, 0);
    const h = await source.read(0, ZIP_LZMA_HEADER_BYTES);
    const propsSize = h[2]! | (h[3]! << 8);
    if (propsSize !== LZMA_PROPS_BYTES) return fail("corrupt", `Zip LZMA properties size is ${propsSize}; expected ${LZMA_PROPS_BYTES}`, 2);
    const props = parseLzmaProps(h[4]!);
    if (!props) return fail("corrupt", `Zip LZMA properties byte ${h[4]} is invalid`, 4);
    const dictSize = (h[5]! | (h[6]! << 8) | (h[7]! << 16) | (h[8]! << 24)) >>> 0;
    const tooBig = dictProblem(dictSize, 5);
    if (tooBig) return { status: "failed", produced: 0, defect: tooBig, notes: [], streams: 1 };
    const r = await decodeLzma1(new SourceReader(source, ZIP_LZMA_HEADER_BYTES), out, { props, dictSize, unpackSize, allowMarkerAfterSize: true });
    const result: DecodeResult = { status: r.status, produced: out.produced, notes: [], streams: 1 };
    if (r.defect) result.defect = r.defect;
    return result;
  };
}
