import { Gunzip, Inflate, Unzlib } from "fflate";
import { Decompress as ZstdDecompress } from "fzstd";
import type { ByteSource } from "../../core/byte-source.js";
import { crc32 } from "./crc32.js";
import { XxHash64 } from "./xxhash64.js";
import type { ZstdFrame } from "./zstd-frames.js";
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
  /**
   * Output bytes kept in memory (default: all up to the cap). 0 makes a counting pass: sizes,
   * checksums and caps without buffering, so a member's size is known before it is produced.
   */
  keep?: number;
  now?: () => number;
  deadline?: number;
  /**
   * zstd only: the frames walked ahead (offsets relative to `offset`). Each is then decoded on its
   * own so its content checksum can be checked; without them the stream is decoded unchecked.
   */
  zstdFrames?: readonly ZstdFrame[];
}

/** Why decoding stopped before the end: the ratio cap (a bomb) or the caller's byte cap. */
export type CapReason = "ratio" | "output";

/** A stored checksum (gzip CRC-32 and size, zlib Adler-32, zstd/lz4 content checksum) that does not match the output. */
export interface ChecksumMismatch {
  what: string;
  /** Offset of the stored value in the compressed input. */
  offset: number;
  expected: number;
  actual: number;
}

/** What the stored checksums said; mismatches are reported, unchecked ones are counted. */
export interface ChecksumReport {
  checked: number;
  mismatches: ChecksumMismatch[];
  /** Why some checksums were not verified (output past MAX_CRC_CHECK_BYTES, a trailer that could not be located). */
  unchecked?: string;
}

export type DecodeOutcome =
  | { status: "ok"; bytes: Uint8Array; crc: number | undefined; members: number; /** Output size (`bytes` holds only what was kept). */ produced: number; checksums?: ChecksumReport }
  | { status: "capped"; reason: CapReason; cap: number; produced: number; members: number; /** Output up to the cap: a loader reading incrementally acts on it before reaching the bomb. */ prefix: Uint8Array }
  | { status: "corrupt"; message: string; code: number | undefined; bytes: Uint8Array; members: number; produced: number }
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
  const keep = Math.min(req.keep ?? cap, cap);
  // A known size (a lazy member produced again) is written straight into one buffer: no chunks, no copy at the end.
  const into = req.keep !== undefined && keep > 0 ? new Uint8Array(keep) : undefined;
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let crc: number | undefined = req.crc ? 0 : undefined;
  let members = 1;
  let kept = 0;
  const trailers = req.codec === "gzip" || req.codec === "zlib" ? new TrailerChecks(req.codec) : undefined;
  const zstdChecks: ChecksumReport | undefined = req.codec === "zstd" && req.zstdFrames ? { checked: 0, mismatches: [] } : undefined;
  const sink = (data: Uint8Array): void => {
    produced += data.length;
    if (data.length === 0) return;
    if (kept < keep) {
      // Views into a decoder's window are only valid during the call; a partial chunk is copied too.
      const take = Math.min(data.length, keep - kept);
      if (into) into.set(take < data.length ? data.subarray(0, take) : data, kept);
      else chunks.push(req.codec === "zstd" || take < data.length ? data.slice(0, take) : data);
      kept += take;
    }
    if (produced > cap) throw CAP_REACHED;
    if (crc !== undefined) crc = produced > MAX_CRC_CHECK_BYTES ? undefined : crc32(data, crc);
    trailers?.update(data, produced);
  };
  const streamer =
    zstdChecks && req.zstdFrames
      ? new ZstdFrameStreamer(req.zstdFrames, sink, zstdChecks, () => produced <= MAX_CRC_CHECK_BYTES)
      : makeStreamer(req.codec, sink, (at) => {
          members += 1;
          trailers?.memberEnd(at);
        });
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
      if (error === CAP_REACHED) return { status: "capped", reason, cap, produced, members, prefix: concat(chunks, kept, into) };
      // Output delivered before the error is kept: a loader would have consumed it too.
      return { status: "corrupt", message: errorMessage(error), code: errorCode(error), bytes: concat(chunks, kept, into), members, produced };
    }
    if (final) break;
  }
  const checksums = trailers ? await trailers.verify(source, req) : zstdChecks;
  const ok: DecodeOutcome = { status: "ok", bytes: concat(chunks, kept, into), crc, members, produced };
  if (checksums) ok.checksums = checksums;
  return ok;
}

function makeStreamer(codec: Codec, sink: (data: Uint8Array) => void, onMember: (at: number) => void): Streamer {
  switch (codec) {
    case "deflate-raw":
      return new Inflate((data) => sink(data));
    case "zlib":
      return new Unzlib((data) => sink(data));
    case "gzip": {
      const gz = new Gunzip((data) => sink(data));
      gz.onmember = (at) => onMember(at);
      return gz;
    }
    case "zstd": {
      const z = new ZstdDecompress((data) => sink(data));
      return { push: (chunk, final) => z.push(chunk, final) };
    }
  }
}

/**
 * zstd decoded one frame at a time, each by its own fzstd decoder, so that each frame's output is
 * known and its content checksum (the low 32 bits of XXH64 of the output, stored little-endian
 * after the last block, RFC 8878 3.1.1) can be compared: fzstd steps over it unread. Frames come
 * from the walk in zstd-frames.ts; bytes after the walked frames (a truncated or invalid frame)
 * go to one more decoder, which reports the damage as before.
 */
class ZstdFrameStreamer implements Streamer {
  /** Input bytes seen. */
  private pos = 0;
  private index = 0;
  private decoder: ZstdDecompress | undefined;
  private hash: XxHash64 | undefined;
  /** The current frame's last four input bytes: where its checksum is. */
  private readonly last = new Uint8Array(4);
  private lastFill = 0;

  constructor(
    private readonly frames: readonly ZstdFrame[],
    private readonly sink: (data: Uint8Array) => void,
    private readonly report: ChecksumReport,
    /** False once the output is past MAX_CRC_CHECK_BYTES: the same CPU bound as every other checksum. */
    private readonly hashing: () => boolean,
  ) {}

  push(chunk: Uint8Array, final: boolean): void {
    for (let at = 0; at < chunk.length; ) {
      const frame = this.frames[this.index];
      const end = frame ? frame.offset + frame.length : Infinity;
      const piece = chunk.subarray(at, Math.min(chunk.length, at + (end - this.pos)));
      at += piece.length;
      this.pos += piece.length;
      const frameDone = this.pos === end;
      // A whole frame is pushed as final, so fzstd emits all of its output before it is hash-checked.
      if (!frame?.skippable) this.feed(frame, piece, frameDone || (final && at === chunk.length));
      if (frameDone) this.close(frame!);
    }
    // Input with no frame at all still reaches a decoder, which reports it as before.
    if (final && chunk.length === 0 && this.frames.length === 0) this.feed(undefined, chunk, true);
  }

  /** Pushes `piece` to the current frame's decoder (or the one for bytes after the walked frames). */
  private feed(frame: ZstdFrame | undefined, piece: Uint8Array, last: boolean): void {
    if (!this.decoder) this.open(frame);
    this.keepLast(piece);
    this.decoder!.push(piece, last);
  }

  private open(frame: ZstdFrame | undefined): void {
    const hash = frame?.checksum ? new XxHash64() : undefined;
    this.hash = hash;
    this.lastFill = 0;
    this.decoder = new ZstdDecompress((data) => {
      if (hash && this.hashing()) hash.update(data);
      this.sink(data);
    });
  }

  private keepLast(piece: Uint8Array): void {
    if (piece.length >= 4) {
      this.last.set(piece.subarray(piece.length - 4));
      this.lastFill = 4;
      return;
    }
    const keep = Math.min(this.lastFill, 4 - piece.length);
    this.last.copyWithin(0, this.lastFill - keep, this.lastFill);
    this.last.set(piece, keep);
    this.lastFill = keep + piece.length;
  }

  private close(frame: ZstdFrame): void {
    if (frame.checksum && this.hash) {
      if (!this.hashing()) this.report.unchecked = TRAILER_CHECK_NOTE;
      else {
        const b = this.last;
        const expected = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
        const actual = this.hash.digestLow32();
        this.report.checked++;
        if (expected !== actual) this.report.mismatches.push({ what: "zstd content checksum (XXH64)", offset: frame.offset + frame.length - 4, expected, actual });
      }
    }
    this.decoder = undefined;
    this.hash = undefined;
    this.index++;
  }
}

/** Output size past which trailer checksums are no longer computed (the same CPU bound as zip CRCs). */
const TRAILER_CHECK_NOTE = `output past ${MAX_CRC_CHECK_BYTES} bytes is not checksummed`;

/**
 * The checksums gzip (RFC 1952 2.3.1: CRC-32 and ISIZE after each member) and zlib (RFC 1950:
 * Adler-32 of the output, big-endian, at the end) store after the data; fflate reads past them
 * without checking. A gzip member's trailer is the 8 bytes before the next member's header (fflate
 * reports where that header starts) or, for the last member, the last 8 bytes of the stream.
 */
class TrailerChecks {
  private readonly ends: { at: number; crc: number | undefined; size: number }[] = [];
  private crc: number | undefined = 0;
  private adlerA = 1;
  private adlerB = 0;
  private size = 0;

  constructor(private readonly codec: "gzip" | "zlib") {}

  update(data: Uint8Array, produced: number): void {
    this.size += data.length;
    if (this.crc === undefined) return;
    if (produced > MAX_CRC_CHECK_BYTES) {
      this.crc = undefined;
      return;
    }
    if (this.codec === "gzip") this.crc = crc32(data, this.crc);
    else [this.adlerA, this.adlerB] = adler32(data, this.adlerA, this.adlerB);
  }

  memberEnd(nextHeaderAt: number): void {
    this.ends.push({ at: nextHeaderAt - 8, crc: this.crc, size: this.size });
    this.crc = this.crc === undefined ? undefined : 0;
    this.size = 0;
  }

  async verify(source: ByteSource, req: DecodeRequest): Promise<ChecksumReport> {
    const report: ChecksumReport = { checked: 0, mismatches: [] };
    if (this.codec === "zlib") {
      if (req.length < 6) return report;
      const t = await source.read(req.offset + req.length - 4, 4);
      if (this.crc === undefined) {
        report.unchecked = TRAILER_CHECK_NOTE;
        return report;
      }
      const expected = ((t[0]! << 24) | (t[1]! << 16) | (t[2]! << 8) | t[3]!) >>> 0;
      const actual = ((this.adlerB << 16) | this.adlerA) >>> 0;
      report.checked++;
      if (expected !== actual) report.mismatches.push({ what: "zlib Adler-32", offset: req.length - 4, expected, actual });
      return report;
    }
    const ends = [...this.ends, { at: req.length - 8, crc: this.crc, size: this.size }];
    for (const end of ends) {
      if (end.at < 0 || end.at + 8 > req.length) continue;
      const t = await source.read(req.offset + end.at, 8);
      const storedCrc = (t[0]! | (t[1]! << 8) | (t[2]! << 16) | (t[3]! << 24)) >>> 0;
      const storedSize = (t[4]! | (t[5]! << 8) | (t[6]! << 16) | (t[7]! << 24)) >>> 0;
      report.checked++;
      if (storedSize !== end.size % 2 ** 32) report.mismatches.push({ what: "gzip ISIZE", offset: end.at + 4, expected: storedSize, actual: end.size % 2 ** 32 });
      if (end.crc === undefined) report.unchecked = TRAILER_CHECK_NOTE;
      else if (storedCrc !== end.crc) report.mismatches.push({ what: "gzip CRC-32", offset: end.at, expected: storedCrc, actual: end.crc });
    }
    return report;
  }
}

/** Adler-32 (RFC 1950 8.2) extended over `data`; sums are reduced every 5552 bytes, as zlib does, so they stay exact. */
export function adler32(data: Uint8Array, a = 1, b = 0): [number, number] {
  for (let i = 0; i < data.length; ) {
    const end = Math.min(data.length, i + 5552);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return [a, b];
}

function concat(chunks: Uint8Array[], total: number, into?: Uint8Array): Uint8Array {
  if (into) return into.subarray(0, total);
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
