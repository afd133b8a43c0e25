import { Gunzip, Inflate, Unzlib } from "fflate";
import { Decompress as ZstdDecompress } from "fzstd";
import type { ByteSource } from "../../core/byte-source.js";
import { crc32 } from "./crc32.js";
import { INPUT_CHUNK_BYTES, MAX_COMPRESSION_RATIO, MAX_CRC_CHECK_BYTES, RATIO_FLOOR_BYTES } from "./limits.js";

/** Stream codecs with a pure-JS decoder. */
export type Codec = "deflate-raw" | "gzip" | "zlib" | "zstd";

export interface DecodeRequest {
  codec: Codec;
  /** Compressed bytes: `source` from `offset`, `length` bytes. */
  offset: number;
  length: number;
  /** Output bytes allowed by the caller (remaining budget, per-member cap). */
  maxOutput: number;
  /** Compute CRC-32 of the output (zip members), when it stays below MAX_CRC_CHECK_BYTES. */
  crc?: boolean;
  now?: () => number;
  deadline?: number;
}

/** Why decoding stopped before the end: the ratio cap (a bomb) or the caller's byte cap. */
export type CapReason = "ratio" | "output";

export type DecodeOutcome =
  | { status: "ok"; bytes: Uint8Array; crc: number | undefined; members: number }
  | { status: "capped"; reason: CapReason; cap: number; produced: number; members: number; /** Output up to the cap: a loader reading incrementally acts on it before reaching the bomb. */ prefix: Uint8Array }
  | { status: "corrupt"; message: string; code: number | undefined; bytes: Uint8Array; members: number }
  | { status: "timeout"; produced: number };

/** Thrown from the output callback to abort a third-party decoder mid-push; never escapes this module. */
const CAP_REACHED = Symbol("cap-reached");

interface Streamer {
  push(chunk: Uint8Array, final: boolean): void;
}

/** The output cap for `length` compressed bytes: the caller's cap or the ratio cap, whichever is lower. */
export function outputCap(length: number, maxOutput: number): { cap: number; reason: CapReason } {
  const ratioCap = Math.max(RATIO_FLOOR_BYTES, length * MAX_COMPRESSION_RATIO);
  return ratioCap < maxOutput ? { cap: ratioCap, reason: "ratio" } : { cap: maxOutput, reason: "output" };
}

/**
 * Decompresses one stream from `source` in small pushes and stops as soon as the output passes
 * the cap, so a bomb costs at most one push of output. Bad data is an outcome, not an exception;
 * only I/O failures of `source` throw.
 *
 * @example
 * const out = await decodeBounded(src, { codec: "gzip", offset: 0, length: src.size, maxOutput: 1 << 20 });
 * if (out.status === "ok") use(out.bytes);
 */
export async function decodeBounded(source: ByteSource, req: DecodeRequest): Promise<DecodeOutcome> {
  const { cap, reason } = outputCap(req.length, req.maxOutput);
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let crc: number | undefined = req.crc ? 0 : undefined;
  let members = 1;
  let kept = 0;
  const sink = (data: Uint8Array): void => {
    produced += data.length;
    if (produced > cap) throw CAP_REACHED;
    if (data.length === 0) return;
    chunks.push(req.codec === "zstd" ? data.slice() : data);
    kept = produced;
    if (crc !== undefined) crc = produced > MAX_CRC_CHECK_BYTES ? undefined : crc32(data, crc);
  };
  const streamer = makeStreamer(req.codec, sink, () => (members += 1));
  const now = req.now ?? Date.now;
  // One pass even for empty input, so the decoder sees a final push and reports truncation.
  for (let pos = 0; ; ) {
    if (req.deadline !== undefined && now() > req.deadline) return { status: "timeout", produced };
    const n = Math.min(INPUT_CHUNK_BYTES, req.length - pos);
    const chunk = n > 0 ? await source.read(req.offset + pos, n) : new Uint8Array(0);
    pos += n;
    const final = pos >= req.length;
    try {
      streamer.push(chunk, final);
    } catch (error) {
      if (error === CAP_REACHED) return { status: "capped", reason, cap, produced, members, prefix: concat(chunks, kept) };
      // Output delivered before the error is kept: a loader would have consumed it too.
      return { status: "corrupt", message: errorMessage(error), code: errorCode(error), bytes: concat(chunks, kept), members };
    }
    if (final) break;
  }
  return { status: "ok", bytes: concat(chunks, kept), crc, members };
}

function makeStreamer(codec: Codec, sink: (data: Uint8Array) => void, onMember: () => void): Streamer {
  switch (codec) {
    case "deflate-raw":
      return new Inflate((data) => sink(data));
    case "zlib":
      return new Unzlib((data) => sink(data));
    case "gzip": {
      const gz = new Gunzip((data) => sink(data));
      gz.onmember = () => onMember();
      return gz;
    }
    case "zstd": {
      const z = new ZstdDecompress((data) => sink(data));
      return { push: (chunk, final) => z.push(chunk, final) };
    }
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]!.length === total) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.length, total - at);
    out.set(c.subarray(0, take), at);
    at += take;
    if (at >= total) break;
  }
  return out;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}
