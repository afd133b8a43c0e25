import type { ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import type { FormatAnalysis, Member, ScanContext } from "../../core/handler.js";
import type { StreamCodec } from "./decode-stream.js";
import type { StreamOutcome, StreamRequest } from "./decode-stream.js";
import { MAX_BOMB_PREFIX_BYTES, countStream, lazyStream } from "./lazy-output.js";
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
 * member named after the outer file (`model.pt.gz` gives `model.pt`). Bombs keep their prefix (up
 * to MAX_BOMB_PREFIX_BYTES) as a speculative member: a loader reading incrementally acts on it
 * before reaching the bomb. The first pass only counts (and checks stored checksums); the member
 * is a lazy source decoded again when the engine scans it, so nothing is buffered past the caps.
 */
export async function decodeWrapper(source: ByteSource, ctx: ScanContext, { codec, doc }: { codec: StreamCodec; doc: CompressedDocument }): Promise<WrapperResult> {
  const remaining = Math.max(0, ctx.limits.maxInflatedBytes - ctx.budget.inflatedBytes);
  const req: StreamRequest = { codec, offset: 0, length: source.size, maxOutput: Math.min(remaining, MAX_MEMBER_OUTPUT_BYTES), now: ctx.now, deadline: ctx.deadline };
  const outcome = await countStream(source, req);
  const defects: Defect[] = [];
  const members: Member[] = [];
  const path = innerName(ctx.name);
  const emit = (size: number, speculative: boolean): void => {
    ctx.budget.inflatedBytes += size;
    doc.outputBytes = size;
    doc.memberPath = path;
    const lazy = lazyStream(source, req, size);
    const member: Member = { path, source: lazy, release: () => lazy.release() };
    if (speculative) member.speculative = true;
    members.push(member);
  };
  const label = doc.container;
  if (outcome.zstd) doc.streams = outcome.zstd.frames.filter((f) => !f.skippable).length;
  if (outcome.zstd?.trailing) {
    doc.anomalies.push({ code: "appended-data", message: `${outcome.zstd.trailing.length} bytes after the last zstd frame are not a frame`, offset: outcome.zstd.trailing.offset });
  }
  switch (outcome.status) {
    case "ok":
      if (codec === "gzip") doc.streams = outcome.members;
      recordChecksums(doc, outcome, defects);
      emit(outcome.produced, false);
      break;
    case "capped": {
      const code = outcome.reason === "ratio" ? "compression-ratio" : "output-limit";
      const what = `${label} stream expands past ${outcome.cap} bytes from ${source.size} compressed`;
      doc.anomalies.push({ code, message: what.charAt(0).toUpperCase() + what.slice(1) });
      defects.push(defect("limit-exceeded", `Not decompressed beyond ${outcome.cap} bytes: the ${what}`, { limit: code === "compression-ratio" ? "MAX_COMPRESSION_RATIO" : "maxInflatedBytes" }));
      const prefix = Math.min(outcome.cap, MAX_BOMB_PREFIX_BYTES);
      if (prefix > 0) emit(prefix, true);
      if (outcome.cap > prefix) doc.anomalies.push({ code: "output-limit", message: `Only the first ${prefix} bytes of the ${label} stream were scanned (MAX_BOMB_PREFIX_BYTES)` });
      break;
    }
    case "corrupt":
      if (codec === "gzip" && outcome.code === FLATE_INVALID_HEADER && outcome.produced > 0) {
        doc.streams = outcome.members;
        doc.anomalies.push({ code: "appended-data", message: "Data after the last gzip member is not a gzip member (Python's gzip module rejects it unless it is zero padding)" });
        emit(outcome.produced, false);
        break;
      }
      defects.push(defect("truncated", `Cannot decompress ${label} stream: ${outcome.message}`, {}));
      if (outcome.produced) emit(outcome.produced, true);
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

/**
 * Stored checksums that do not match the output (gzip CRC-32 and ISIZE, zlib Adler-32): Python's
 * gzip and zlib modules refuse such a stream at its end, after a streaming loader has acted on
 * it. The content was scanned in full, so this is a finding (ARC005), not a scan failure.
 */
export function recordChecksums(doc: CompressedDocument, outcome: StreamOutcome, defects: Defect[]): void {
  const report = outcome.status === "ok" ? outcome.checksums : undefined;
  if (!report) return;
  for (const m of report.mismatches) {
    const message = `${m.what} stored at offset ${m.offset} is 0x${m.expected.toString(16).padStart(8, "0")} but the data gives 0x${m.actual.toString(16).padStart(8, "0")}`;
    doc.anomalies.push({ code: "crc-mismatch", message, offset: m.offset });
    defects.push(defect("crc-mismatch", `${message}: Python refuses the stream at its end, after a streaming loader acted on it`, { offset: m.offset, fatal: false }));
  }
  if (report.unchecked) doc.checksumNote = `Some ${doc.container} checksums were not verified: ${report.unchecked}`;
}
