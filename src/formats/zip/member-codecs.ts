import type { ByteSource, LazySource } from "../../core/byte-source.js";
import { outputCap, type CapReason } from "../compress/bounded-decode.js";
import type { StreamRequest } from "../compress/decode-stream.js";
import { countCodec, countStream, lazyCodec, lazyStream, type CodecDecoder } from "../compress/lazy-output.js";
import { decodeBzip2 } from "../codecs/bzip2.js";
import { decodeXz } from "../codecs/xz.js";
import { zipLzmaDecoder } from "../codecs/zip-lzma.js";

/** What the counting pass over one entry's compressed data found, whatever the codec. */
export type Counted =
  | { status: "ok"; produced: number; crc: number | undefined }
  | { status: "capped"; cap: number; reason: CapReason }
  | { status: "corrupt"; produced: number; message: string }
  | { status: "timeout" }
  | { status: "refused"; code: string; message: string; offset: number };

/** One entry's data: counted first, then produced lazily at the counted size. */
export interface EntryDecoder {
  count(): Promise<Counted>;
  lazy(size: number): LazySource;
}

export interface EntryCodecRequest {
  source: ByteSource;
  offset: number;
  length: number;
  maxOutput: number;
  /** The entry's declared size: zip LZMA stops there, as Python's zipfile does. */
  declaredSize: number;
  crc: boolean;
  now(): number;
  deadline: number;
}

/** Methods with a decoder (APPNOTE 4.4.5): deflate and zstd through stream decoders, bzip2, LZMA and xz through our own codecs. */
export function entryDecoder(method: number, req: EntryCodecRequest): EntryDecoder | undefined {
  if (method === 8 || method === 93) return streamDecoder(method === 8 ? "deflate-raw" : "zstd", req);
  if (method === 12) return codecDecoder(decodeBzip2, req);
  if (method === 14) return codecDecoder(zipLzmaDecoder(req.declaredSize), req);
  if (method === 95) return codecDecoder(decodeXz, req);
  return undefined;
}

export function hasDecoder(method: number): boolean {
  return method === 8 || method === 93 || method === 12 || method === 14 || method === 95;
}

function streamDecoder(codec: "deflate-raw" | "zstd", r: EntryCodecRequest): EntryDecoder {
  const req: StreamRequest = { codec, offset: r.offset, length: r.length, maxOutput: r.maxOutput, crc: r.crc, now: r.now, deadline: r.deadline };
  return {
    async count() {
      const out = await countStream(r.source, req);
      switch (out.status) {
        case "ok":
          return { status: "ok", produced: out.produced, crc: out.crc };
        case "capped":
          return { status: "capped", cap: out.cap, reason: out.reason };
        case "corrupt":
          return { status: "corrupt", produced: out.produced, message: out.message };
        case "timeout":
          return { status: "timeout" };
        case "refused":
          return { status: "refused", code: out.code, message: out.message, offset: out.offset };
      }
    },
    lazy: (size) => lazyStream(r.source, req, size),
  };
}

function codecDecoder(decode: CodecDecoder, r: EntryCodecRequest): EntryDecoder {
  const data = r.source.slice(r.offset, r.length);
  const { cap, reason } = outputCap(r.length, r.maxOutput);
  const control = { now: r.now, deadline: r.deadline };
  return {
    async count() {
      const out = await countCodec(data, decode, { ...control, maxOutput: cap, crc: r.crc });
      if (out.capped || out.result.status === "stopped") return { status: "capped", cap, reason };
      if (out.result.status === "done") return { status: "ok", produced: out.produced, crc: out.crc };
      const d = out.result.defect!;
      if (d.code === "timeout") return { status: "timeout" };
      if (d.code === "limit-exceeded" || d.code === "unsupported") return { status: "refused", code: d.code, message: d.message, offset: r.offset + (d.offset ?? 0) };
      return { status: "corrupt", produced: out.produced, message: d.message };
    },
    lazy: (size) => lazyCodec(data, decode, control, size),
  };
}
