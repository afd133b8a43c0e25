import type { ByteSource } from "../../core/byte-source.js";
import { decodeBounded, type Codec, type DecodeOutcome, type DecodeRequest } from "./bounded-decode.js";
import { decodeLz4 } from "./lz4-frame.js";
import { walkZstdFrames, type ZstdWalk } from "./zstd-frames.js";

/** A stream the decoder was not allowed to start (a zstd window past the limit, a missing dictionary). */
export interface RefusedOutcome {
  status: "refused";
  code: "limit-exceeded" | "unsupported" | "truncated" | "invalid" | "timeout";
  message: string;
  offset: number;
}

export type StreamOutcome = (DecodeOutcome | RefusedOutcome) & { zstd?: ZstdWalk };

/** Every codec with a pure-JS decoder: the fflate/fzstd streamers plus our own LZ4 frame decoder. */
export type StreamCodec = Codec | "lz4";

export interface StreamRequest extends Omit<DecodeRequest, "codec"> {
  codec: StreamCodec;
}

/**
 * `decodeBounded` plus the checks a codec needs before any allocation: zstd frame headers are
 * walked first so the decoder never allocates a window larger than MAX_ZSTD_WINDOW_BYTES.
 */
export async function decodeStream(source: ByteSource, req: StreamRequest): Promise<StreamOutcome> {
  if (req.codec === "lz4") return decodeLz4(source.slice(req.offset, req.length), req);
  if (req.codec !== "zstd") return decodeBounded(source, { ...req, codec: req.codec });
  const now = req.now ?? Date.now;
  const zstd = await walkZstdFrames(source.slice(req.offset, req.length), () => req.deadline !== undefined && now() > req.deadline);
  if (zstd.problem && zstd.problem.code !== "truncated" && zstd.problem.code !== "invalid") {
    return { status: "refused", code: zstd.problem.code, message: zstd.problem.message, offset: req.offset + zstd.problem.offset, zstd };
  }
  // Truncated or invalid frames still decode up to the damage; trailing non-frame bytes are left out.
  const length = zstd.problem ? req.length : (zstd.trailing?.offset ?? req.length);
  return { ...(await decodeBounded(source, { ...req, codec: "zstd", length, zstdFrames: zstd.frames })), zstd };
}
