import type { ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import type { FormatAnalysis, Member, ScanContext } from "../../core/handler.js";
import type { CodecDefect, DecodeResult } from "../codecs/types.js";
import { outputCap } from "./bounded-decode.js";
import { MAX_BOMB_PREFIX_BYTES, countCodec, lazyCodec, type CodecDecoder } from "./lazy-output.js";
import { MAX_MEMBER_OUTPUT_BYTES } from "./limits.js";
import { innerName } from "./member-name.js";
import type { CompressedAnomaly, CompressedDocument } from "./types.js";

/** A pure-TS stream decoder from src/formats/codecs (xz, .lzma, bzip2). */
export type StreamDecoder = CodecDecoder;

export interface CodecWrapperResult {
  analysis: FormatAnalysis;
  result: DecodeResult;
  /** Bytes handed on as the member (0 when nothing was decoded). */
  outputBytes: number;
}

/**
 * Decodes the whole source with one of our codecs under the same caps as the other wrappers
 * (MAX_COMPRESSION_RATIO, MAX_MEMBER_OUTPUT_BYTES, the shared maxInflatedBytes budget) and hands
 * the output on as one member named after the outer file (`model.pt.xz` gives `model.pt`).
 * Output before a cap or an error is kept as a speculative member: a loader reading
 * incrementally acts on it before it reaches the problem. A counting pass comes first; the member
 * is a lazy source decoded again on first read (see lazy-output.ts).
 */
export async function decodeWithCodec(source: ByteSource, ctx: ScanContext, { doc, decode, memberName }: { doc: CompressedDocument; decode: StreamDecoder; memberName?: string }): Promise<CodecWrapperResult> {
  const remaining = Math.max(0, ctx.limits.maxInflatedBytes - ctx.budget.inflatedBytes);
  const { cap, reason } = outputCap(source.size, Math.min(remaining, MAX_MEMBER_OUTPUT_BYTES));
  const control = { now: () => ctx.now(), deadline: ctx.deadline };
  const counted = await countCodec(source, decode, { ...control, maxOutput: cap });
  const result = counted.result;
  const label = doc.container;
  const defects: Defect[] = [];
  const members: Member[] = [];
  doc.streams = result.streams;
  for (const note of result.notes) {
    if (note.code === "appended-data") doc.anomalies.push(anomaly("appended-data", note.message, note.offset));
    else defects.push(defect(note.code, note.message, { fatal: false, ...(note.offset !== undefined ? { offset: note.offset } : {}) }));
  }
  const capped = counted.capped || result.status === "stopped";
  const outputBytes = capped ? Math.min(counted.produced, MAX_BOMB_PREFIX_BYTES) : counted.produced;
  const path = memberName ?? innerName(ctx.name);
  const emit = (speculative: boolean): void => {
    ctx.budget.inflatedBytes += outputBytes;
    doc.outputBytes = outputBytes;
    doc.memberPath = path;
    const lazy = lazyCodec(source, decode, control, outputBytes);
    const member: Member = { path, source: lazy, release: () => lazy.release() };
    if (speculative) member.speculative = true;
    members.push(member);
  };
  if (capped) {
    const code = reason === "ratio" ? "compression-ratio" : "output-limit";
    const what = `${label} stream expands past ${cap} bytes from ${source.size} compressed`;
    doc.anomalies.push(anomaly(code, what.charAt(0).toUpperCase() + what.slice(1)));
    defects.push(defect("limit-exceeded", `Not decompressed beyond ${cap} bytes: the ${what}`, { limit: code === "compression-ratio" ? "MAX_COMPRESSION_RATIO" : "maxInflatedBytes" }));
    if (outputBytes > 0) emit(true);
  } else if (result.status === "failed") {
    const d = result.defect!;
    recordDefect(doc, d, { prefix: `Cannot decompress ${label} stream`, defects });
    if (outputBytes > 0) emit(true);
  } else {
    emit(false);
  }
  return { analysis: { format: label, document: doc, defects, members }, result, outputBytes };
}

/** Turns a codec defect into a fatal report defect, plus the anomaly rules look for. */
export function recordDefect(doc: CompressedDocument, d: CodecDefect, { prefix, defects }: { prefix: string; defects: Defect[] }): void {
  const extra: Partial<Defect> = {};
  if (d.offset !== undefined) extra.offset = d.offset;
  if (d.limit !== undefined) extra.limit = d.limit;
  defects.push(defect(d.code, `${prefix}: ${d.message}`, extra));
  if (d.code === "crc-mismatch" || d.code === "encrypted" || d.code === "unsupported") doc.anomalies.push(anomaly(d.code, d.message, d.offset));
}

function anomaly(code: CompressedAnomaly["code"], message: string, offset?: number): CompressedAnomaly {
  return offset === undefined ? { code, message } : { code, message, offset };
}
