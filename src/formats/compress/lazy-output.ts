import { ByteSourceError, LazySource, type ByteSource } from "../../core/byte-source.js";
import type { DecodeControl, DecodeResult } from "../codecs/types.js";
import { ChunkCollector } from "./chunk-collector.js";
import { crc32 } from "./crc32.js";
import { MAX_CRC_CHECK_BYTES } from "./limits.js";
import { decodeStream, type StreamOutcome, type StreamRequest } from "./decode-stream.js";

/**
 * Bytes of a bomb's output handed on for scanning, as a guess: a loader reading incrementally
 * acts on the start before it reaches the cap. Bounded so a bomb never costs more memory than an
 * ordinary member; the bomb itself is already a finding (CWE-409).
 */
export const MAX_BOMB_PREFIX_BYTES = 32 * 1024 * 1024;

/**
 * How compressed members are produced, whatever the container: a counting pass first (sizes,
 * checksums and caps, nothing buffered), then a `LazySource` of the counted size that decodes
 * again on first read and is dropped by the engine once the member is scanned. A stream whose
 * size nothing declares (gzip, zstd, xz) is thus bounded like one that declares it, and an
 * archive holds one member's bytes at a time. The second decode costs CPU, never memory.
 */
export function countStream(source: ByteSource, req: StreamRequest): Promise<StreamOutcome> {
  return decodeStream(source, { ...req, keep: 0 });
}

/**
 * The first `size` bytes of the stream `req` describes, decoded on first read. `size` comes from
 * the counting pass (or is a bomb's bounded prefix); the decode is capped at exactly that size.
 *
 * @example
 * const counted = await countStream(src, req);
 * if (counted.status === "ok") member = lazyStream(src, req, counted.produced);
 */
export function lazyStream(source: ByteSource, req: StreamRequest, size: number): LazySource {
  return new LazySource(size, async () => {
    const out = await decodeStream(source, { ...req, maxOutput: size, keep: size, crc: false });
    const bytes = out.status === "ok" || out.status === "corrupt" ? out.bytes : out.status === "capped" ? out.prefix : undefined;
    return exactly(bytes, size, out.status);
  });
}

/** A pure-TS stream decoder from src/formats/codecs (xz, .lzma, bzip2). */
export type CodecDecoder = (source: ByteSource, ctl: DecodeControl) => Promise<DecodeResult>;

/**
 * Counting pass for one of our codecs: output is counted up to `maxOutput` + 1, not kept. With
 * `crc`, the CRC-32 of the output is computed while it stays below MAX_CRC_CHECK_BYTES.
 */
export async function countCodec(
  source: ByteSource,
  decode: CodecDecoder,
  ctl: Omit<DecodeControl, "onOutput"> & { crc?: boolean },
): Promise<{ result: DecodeResult; produced: number; capped: boolean; crc: number | undefined }> {
  let produced = 0;
  let capped = false;
  let crc: number | undefined = ctl.crc ? 0 : undefined;
  const { crc: _wanted, ...control } = ctl;
  const result = await decode(source, {
    ...control,
    onOutput: (chunk) => {
      const room = ctl.maxOutput - produced;
      produced += chunk.length;
      if (crc !== undefined) crc = produced > MAX_CRC_CHECK_BYTES ? undefined : crc32(chunk.subarray(0, Math.max(0, room)), crc);
      if (produced > ctl.maxOutput) capped = true;
      return !capped;
    },
  });
  return { result, produced: Math.min(produced, ctl.maxOutput), capped, crc };
}

/** The first `size` bytes one of our codecs produces, decoded on first read. */
export function lazyCodec(source: ByteSource, decode: CodecDecoder, ctl: Omit<DecodeControl, "onOutput" | "maxOutput">, size: number): LazySource {
  return new LazySource(size, async () => {
    const collector = new ChunkCollector(size);
    const result = await decode(source, { ...ctl, maxOutput: size, onOutput: collector.push });
    return exactly(collector.bytes(), size, result.status);
  });
}

function exactly(bytes: Uint8Array | undefined, size: number, status: string): Uint8Array {
  if (!bytes || bytes.length < size) {
    throw new ByteSourceError(`Cannot produce a decompressed member: decoding again gave ${bytes?.length ?? 0} of the ${size} bytes counted (${status})`);
  }
  return bytes.subarray(0, size);
}
