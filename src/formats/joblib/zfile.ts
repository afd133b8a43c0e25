import { MemorySource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import type { FormatAnalysis, FormatHandler, Member } from "../../core/handler.js";
import { decodeStream, innerName } from "../compress/index.js";
import { MAX_MEMBER_OUTPUT_BYTES } from "../compress/limits.js";
import { readZFileHeader, ZFILE_HEADER_BYTES as HEADER_BYTES, zfileSniffer } from "./sniff.js";

/**
 * joblib < 0.10 compressed dumps ("Z-files", joblib/numpy_pickle_compat.py `write_zfile`):
 * `ZF`, the uncompressed length as `hex()` left-justified to 19 characters, then one zlib
 * stream. joblib 0.8.4 and older on Python 2 wrote one more space. joblib.load still reads them.
 */
export interface ZFileDocument {
  format: "joblib-zfile";
  size: number;
  /** Uncompressed length the header declares (zlib.decompress's buffer size hint). */
  declaredLength: number;
  /** Where the zlib stream starts (21, or 22 after the extra space). */
  dataOffset: number;
  /** Bytes the stream actually inflated to, when it was decoded. */
  outputBytes?: number;
  /** Path of the decompressed pickle handed to the engine. */
  memberPath?: string;
}

export { readZFileHeader };

/**
 * Legacy joblib Z-files: the zlib stream is decoded within the shared budget, at most to the
 * declared length joblib itself allocates, and the pickle inside is scanned as a member.
 *
 * @example
 * const analysis = await zfileHandler.analyze(source, ctx);
 */
export const zfileHandler: FormatHandler = {
  ...zfileSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    const header = readZFileHeader(await source.read(0, Math.min(source.size, HEADER_BYTES + 2)));
    if (!header) return undefined;
    const doc: ZFileDocument = { format: "joblib-zfile", size: source.size, ...header };
    const defects: Defect[] = [];
    const notes = ["joblib < 0.10 Z-file: the pickle inside was decompressed and scanned."];
    const members: Member[] = [];
    const remaining = Math.max(0, ctx.limits.maxInflatedBytes - ctx.budget.inflatedBytes);
    const out = await decodeStream(source, {
      codec: "zlib",
      offset: header.dataOffset,
      length: source.size - header.dataOffset,
      // The declared length is only zlib's initial buffer size: decompress returns everything.
      maxOutput: Math.min(remaining, MAX_MEMBER_OUTPUT_BYTES),
      now: ctx.now,
      deadline: ctx.deadline,
    });
    const path = innerName(ctx.name);
    const emit = (bytes: Uint8Array, speculative: boolean): void => {
      ctx.budget.inflatedBytes += bytes.length;
      doc.outputBytes = bytes.length;
      doc.memberPath = path;
      members.push(speculative ? { path, source: new MemorySource(bytes), speculative } : { path, source: new MemorySource(bytes) });
    };
    switch (out.status) {
      case "ok":
        emit(out.bytes, false);
        // read_zfile asserts the lengths match; under `python -O` the assert is gone and the data is used.
        if (out.bytes.length !== header.declaredLength) notes.push(`The Z-file declares ${header.declaredLength} bytes but inflates to ${out.bytes.length}; joblib.load refuses it unless Python runs with -O.`);
        break;
      case "capped":
        defects.push(
          defect("limit-exceeded", `Z-file stream expands past ${out.cap} bytes from ${source.size} (declared ${header.declaredLength}); not decompressed further`, {
            offset: header.dataOffset,
            limit: out.reason === "ratio" ? "MAX_COMPRESSION_RATIO" : "maxInflatedBytes",
          }),
        );
        // A loader reading incrementally acts on the start before it reaches the bomb: scan that much.
        if (out.prefix.length) emit(out.prefix, true);
        break;
      case "corrupt":
        defects.push(defect("truncated", `Cannot decompress the Z-file stream: ${out.message}`, { offset: header.dataOffset }));
        if (out.bytes.length) emit(out.bytes, true);
        break;
      case "timeout":
        defects.push(defect("timeout", `Timed out decompressing the Z-file stream after ${out.produced} bytes`, { offset: header.dataOffset }));
        break;
      case "refused":
        defects.push(defect(out.code, `Cannot decompress the Z-file stream: ${out.message}`, { offset: out.offset }));
        break;
    }
    return { format: "joblib-zfile", document: doc, defects, members, notes };
  },
};
