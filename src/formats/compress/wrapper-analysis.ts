import { MemorySource, type ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import type { FormatAnalysis, Member, ScanContext } from "../../core/handler.js";
import type { StreamCodec } from "./decode-stream.js";
import { decodeStream, type StreamOutcome } from "./decode-stream.js";
import { MAX_MEMBER_OUTPUT_BYTES } from "./limits.js";
import { innerName } from "./member-name.js";
import type { CompressedDocument } from "./types.js";

/** fflate's FlateErrorCode.InvalidHeader: after a complete gzip member, the next bytes are not one. */
const FLATE_INVALID_HEADER = 6;

/** The analysis for a single-stream wrapper, plus the raw outcome for handlers that judge weak matches by it. */
export interface WrapperResult {
  analysis: FormatAnalysis;
  outcome: StreamOutcome;
}

/**
 * Decodes the whole source as one stream within the shared budget and hands the output on as one
 * member named after the outer file (`model.pt.gz` gives `model.pt`). Bombs keep their prefix as
 * a speculative member: a loader reading incrementally acts on it before reaching the bomb.
 */
export async function decodeWrapper(source: ByteSource, ctx: ScanContext, { codec, doc }: { codec: StreamCodec; doc: CompressedDocument }): Promise<WrapperResult> {
  const remaining = Math.max(0, ctx.limits.maxInflatedBytes - ctx.budget.inflatedBytes);
  const outcome = await decodeStream(source, {
    codec,
    offset: 0,
    length: source.size,
    maxOutput: Math.min(remaining, MAX_MEMBER_OUTPUT_BYTES),
    now: ctx.now,
    deadline: ctx.deadline,
  });
  const defects: Defect[] = [];
  const members: Member[] = [];
  const path = innerName(ctx.name);
  const emit = (bytes: Uint8Array, speculative: boolean): void => {
    ctx.budget.inflatedBytes += bytes.length;
    doc.outputBytes = bytes.length;
    doc.memberPath = path;
    members.push(speculative ? { path, source: new MemorySource(bytes), speculative } : { path, source: new MemorySource(bytes) });
  };
  const label = doc.container;
  if (outcome.zstd) doc.streams = outcome.zstd.frames.filter((f) => !f.skippable).length;
  if (outcome.zstd?.trailing) {
    doc.anomalies.push({ code: "appended-data", message: `${outcome.zstd.trailing.length} bytes after the last zstd frame are not a frame`, offset: outcome.zstd.trailing.offset });
  }
  switch (outcome.status) {
    case "ok":
      if (codec === "gzip") doc.streams = outcome.members;
      emit(outcome.bytes, false);
      break;
    case "capped": {
      const code = outcome.reason === "ratio" ? "compression-ratio" : "output-limit";
      const what = `${label} stream expands past ${outcome.cap} bytes from ${source.size} compressed`;
      doc.anomalies.push({ code, message: what.charAt(0).toUpperCase() + what.slice(1) });
      defects.push(defect("limit-exceeded", `Not decompressed beyond ${outcome.cap} bytes: the ${what}`, { limit: code === "compression-ratio" ? "MAX_COMPRESSION_RATIO" : "maxInflatedBytes" }));
      if (outcome.prefix.length) emit(outcome.prefix, true);
      break;
    }
    case "corrupt":
      if (codec === "gzip" && outcome.code === FLATE_INVALID_HEADER && outcome.bytes.length > 0) {
        doc.streams = outcome.members;
        doc.anomalies.push({ code: "appended-data", message: "Data after the last gzip member is not a gzip member (Python's gzip module rejects it unless it is zero padding)" });
        emit(outcome.bytes, false);
        break;
      }
      defects.push(defect("truncated", `Cannot decompress ${label} stream: ${outcome.message}`, {}));
      if (outcome.bytes.length) emit(outcome.bytes, true);
      break;
    case "timeout":
      defects.push(defect("timeout", `Timed out decompressing ${label} stream after ${outcome.produced} bytes`));
      break;
    case "refused":
      defects.push(defect(outcome.code, `Cannot decompress ${label} stream: ${outcome.message}`, { offset: outcome.offset }));
      break;
  }
  return { analysis: { format: label, document: doc, defects, members }, outcome };
}
