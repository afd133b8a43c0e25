/**
 * LZMA2: a sequence of chunks, each stored or LZMA-compressed (at most 64 KiB in, 2 MiB out),
 * with dictionary, state and property resets in the control byte (xz-embedded
 * xz_dec_lzma2_run, liblzma lzma2_decoder.c). Every chunk's compressed bytes are read whole,
 * so the LZMA decoder never waits for input mid-chunk.
 */
import type { SourceReader } from "./input.js";
import { OUTPUT_STEP_BYTES } from "./limits.js";
import { LzmaDecoder, Step, dictProblem, parseLzmaProps } from "./lzma.js";
import type { OutputSink } from "./output.js";
import type { CodecDefect } from "./types.js";

export interface Lzma2Result {
  status: "done" | "stopped" | "failed";
  defect?: CodecDefect;
}

/**
 * The dictionary size of an LZMA2 properties byte (xz 5.3.1, 7z coder 21); undefined when the
 * reserved bits are set or it is past 40.
 */
export function lzma2DictSize(byte: number): number | undefined {
  if (byte > 40) return undefined;
  if (byte === 40) return 0xffffffff;
  return (2 | (byte & 1)) * 2 ** ((byte >>> 1) + 11);
}

/** Problem with an LZMA2 properties byte, or its dictionary size. */
export function lzma2Props(byte: number, offset: number): { dictSize: number } | { defect: CodecDefect } {
  const dictSize = lzma2DictSize(byte);
  if (dictSize === undefined) return { defect: { code: "corrupt", message: `LZMA2 dictionary byte ${byte} is not 0-40`, offset } };
  const problem = dictProblem(dictSize, offset);
  return problem ? { defect: problem } : { dictSize };
}

/**
 * Decodes LZMA2 chunks from `reader` up to and including the end marker (control byte 0), and
 * leaves the reader just after it. `decoder` reuses one decoder (and its window) across the blocks
 * of an xz stream; `sizeHint` (a declared uncompressed size) caps the window.
 *
 * @example
 * const r = await decodeLzma2(reader, out, { dictSize: 8 << 20 });
 */
export async function decodeLzma2(reader: SourceReader, out: OutputSink, opts: { dictSize: number; decoder?: LzmaDecoder; sizeHint?: number }): Promise<Lzma2Result> {
  // The first chunk must reset the dictionary and set properties, so a reused decoder starts clean.
  const dec = opts.decoder ?? new LzmaDecoder(opts.dictSize, Math.min(out.windowCap, (opts.sizeHint ?? Infinity) + 1));
  const fail = (code: CodecDefect["code"], message: string, offset = reader.position): Lzma2Result => ({ status: "failed", defect: { code, message, offset } });
  let needDictReset = true;
  let needProps = true;
  for (;;) {
    const late = out.expired(reader.position);
    if (late) return { status: "failed", defect: late };
    const chunkAt = reader.position;
    const controlByte = await reader.take(1);
    if (!controlByte) return fail("truncated", "LZMA2 data ends before its end marker");
    const control = controlByte[0]!;
    if (control === 0x00) return { status: "done" };
    if (control >= 0xe0 || control === 0x01) {
      needProps = true;
      needDictReset = false;
      dec.resetDict();
    } else if (needDictReset) {
      return fail("corrupt", `LZMA2 chunk control byte 0x${hex(control)} does not reset the dictionary, but the first chunk must`, chunkAt);
    }
    if (control < 0x80) {
      if (control > 0x02) return fail("corrupt", `LZMA2 control byte 0x${hex(control)} is not a valid chunk type`, chunkAt);
      const sizeBytes = await reader.take(2);
      if (!sizeBytes) return fail("truncated", "LZMA2 stored chunk header is cut short");
      const size = ((sizeBytes[0]! << 8) | sizeBytes[1]!) + 1;
      const data = await reader.take(size);
      if (!data) return fail("truncated", `LZMA2 stored chunk of ${size} bytes is cut short`);
      const stored = copyStored(dec, out, data);
      if (stored !== "ok") return { status: "stopped" };
      continue;
    }
    const header = await reader.take(control >= 0xc0 ? 5 : 4);
    if (!header) return fail("truncated", "LZMA2 chunk header is cut short");
    const unpacked = (control & 0x1f) * 65536 + ((header[0]! << 8) | header[1]!) + 1;
    const packed = ((header[2]! << 8) | header[3]!) + 1;
    if (control >= 0xc0) {
      const props = parseLzmaProps(header[4]!);
      if (!props || props.lc + props.lp > 4) return fail("corrupt", `LZMA2 properties byte ${header[4]} is invalid (lc + lp must be at most 4)`, chunkAt + 5);
      dec.setProps(props);
      needProps = false;
    } else if (needProps) {
      return fail("corrupt", `LZMA2 chunk control byte 0x${hex(control)} reuses properties that were never set`, chunkAt);
    } else if (control >= 0xa0) {
      dec.resetState();
    }
    if (packed < 5) return fail("corrupt", `LZMA2 chunk declares ${packed} compressed bytes, fewer than the 5-byte range coder start`, chunkAt);
    const dataAt = reader.position;
    const data = await reader.take(packed);
    if (!data) return fail("truncated", `LZMA2 chunk of ${packed} compressed bytes is cut short`);
    dec.resetInput();
    dec.feed(data);
    if (!dec.initRange()) return fail("corrupt", "LZMA2 chunk's range coder does not start with a 0 byte", dataAt);
    let left = unpacked;
    while (left > 0) {
      const tooLate = out.expired(dataAt + dec.inputPos);
      if (tooLate) return { status: "failed", defect: tooLate };
      const want = Math.min(out.room, OUTPUT_STEP_BYTES, left);
      if (want === 0 || !dec.makeRoom()) return { status: "stopped" };
      const step = dec.step(want, true);
      const chunk = dec.flush();
      left -= chunk.length;
      const open = out.emit(chunk);
      if (step === Step.Overrun) return fail("corrupt", `LZMA2 chunk's ${packed} compressed bytes end before its ${unpacked} bytes of output`, dataAt);
      if (!open) return { status: "stopped" };
      if (step === Step.EndMarker) return fail("corrupt", "LZMA2 chunk holds an LZMA end marker", dataAt + dec.inputPos);
      if (step === Step.BadDistance) return fail("corrupt", "LZMA2 match distance points before the start of the data", dataAt + dec.inputPos);
    }
    dec.normalize();
    if (dec.inputPos !== dec.inputEnd || dec.matchPending || !dec.rangeFinished) {
      return fail("corrupt", `LZMA2 chunk at offset ${chunkAt} does not end where its sizes say (${packed} compressed, ${unpacked} uncompressed)`, chunkAt);
    }
  }
}

function copyStored(dec: LzmaDecoder, out: OutputSink, data: Uint8Array): "ok" | "stopped" {
  for (let off = 0; off < data.length; ) {
    const want = Math.min(out.room, data.length - off);
    if (want === 0 || !dec.makeRoom()) return "stopped";
    off += dec.writeRaw(data.subarray(off, off + want));
    if (!out.emit(dec.flush())) return "stopped";
  }
  return "ok";
}

const hex = (n: number): string => n.toString(16).padStart(2, "0");
