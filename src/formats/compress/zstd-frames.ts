import type { ByteSource } from "../../core/byte-source.js";
import { ByteWindow } from "./byte-window.js";
import { MAX_ZSTD_WINDOW_BYTES } from "./limits.js";

/** Frames walked per stream (CWE-834); a frame costs at least 9 bytes, so this only bounds pathological input. */
const MAX_ZSTD_FRAMES = 1_000_000;

export interface ZstdFrame {
  offset: number;
  length: number;
  skippable: boolean;
  /** Decoder window (RFC 8878 3.1.1.1.2), the memory a decoder allocates for this frame. */
  windowBytes: number;
  /** Declared decompressed size, when the header carries one. */
  contentSize: number | undefined;
  dictionaryId: number;
  /** Content_Checksum_flag (RFC 8878 3.1.1.1.1): the frame ends with the low 32 bits of XXH64 of its output. */
  checksum: boolean;
}

export interface ZstdWalk {
  frames: ZstdFrame[];
  /** Why the walk stopped early; the frames before it are still valid. */
  problem?: { offset: number; message: string; code: "truncated" | "invalid" | "limit-exceeded" | "unsupported" | "timeout" };
  /** Bytes after the last frame that are not a frame. */
  trailing?: { offset: number; length: number };
}

const ZSTD_MAGIC = 0xfd2fb528;

/**
 * Walks the frames and block headers of a zstd stream (RFC 8878 3.1) without decoding, so the
 * decoder never sees a frame whose window would make it allocate past MAX_ZSTD_WINDOW_BYTES.
 */
export async function walkZstdFrames(source: ByteSource, isLate: () => boolean): Promise<ZstdWalk> {
  const w = new ByteWindow(source);
  const walk: ZstdWalk = { frames: [] };
  let pos = 0;
  while (pos < source.size) {
    if (walk.frames.length >= MAX_ZSTD_FRAMES) {
      walk.problem = { offset: pos, code: "limit-exceeded", message: `Zstd stream has more than ${MAX_ZSTD_FRAMES} frames` };
      return walk;
    }
    const magic = await w.read(pos, 4);
    const m = magic ? u32(magic, 0) : undefined;
    if (m !== undefined && m >>> 4 === 0x184d2a5) {
      // 3.1.2 skippable frame: magic 0x184D2A5?, u32 Frame_Size, then user data.
      const sizeBytes = await w.read(pos + 4, 4);
      const length = sizeBytes ? 8 + u32(sizeBytes, 0) : Infinity;
      if (pos + length > source.size) return fail(walk, pos, "truncated", `Skippable zstd frame at offset ${pos} runs past the end of the stream`);
      walk.frames.push({ offset: pos, length, skippable: true, windowBytes: 0, contentSize: 0, dictionaryId: 0, checksum: false });
      pos += length;
      continue;
    }
    if (m !== ZSTD_MAGIC) {
      if (walk.frames.length === 0) return fail(walk, pos, "invalid", `No zstd frame magic at offset ${pos}`);
      walk.trailing = { offset: pos, length: source.size - pos };
      return walk;
    }
    const frame = await readFrame(w, pos, isLate);
    if ("message" in frame) {
      walk.problem = frame;
      return walk;
    }
    walk.frames.push(frame);
    pos += frame.length;
  }
  return walk;
}

type FrameResult = ZstdFrame | NonNullable<ZstdWalk["problem"]>;

async function readFrame(w: ByteWindow, start: number, isLate: () => boolean): Promise<FrameResult> {
  const header = await w.read(start + 4, 1);
  if (!header) return { offset: start, code: "truncated", message: `Zstd frame header at offset ${start} is truncated` };
  // 3.1.1.1.1 Frame_Header_Descriptor
  const fhd = header[0]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const reserved = (fhd >> 3) & 1;
  const checksum = (fhd >> 2) & 1;
  const dictFlag = fhd & 3;
  if (reserved) return { offset: start + 4, code: "invalid", message: `Zstd frame at offset ${start} sets the reserved header bit` };
  const dictBytes = [0, 1, 2, 4][dictFlag]!;
  const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  const fieldsLen = (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
  const fields = await w.read(start + 5, fieldsLen);
  if (!fields) return { offset: start, code: "truncated", message: `Zstd frame header at offset ${start} is truncated` };
  let at = 0;
  let windowBytes = 0;
  if (!singleSegment) {
    // 3.1.1.1.2 Window_Descriptor: exponent in the top 5 bits, mantissa in the low 3.
    const wd = fields[at++]!;
    const base = 2 ** (10 + (wd >> 3));
    windowBytes = base + (base / 8) * (wd & 7);
  }
  const dictionaryId = readLe(fields, at, dictBytes);
  at += dictBytes;
  let contentSize: number | undefined = fcsBytes ? readLe(fields, at, fcsBytes) + (fcsBytes === 2 ? 256 : 0) : undefined;
  if (contentSize !== undefined && !Number.isSafeInteger(contentSize)) contentSize = Number.MAX_SAFE_INTEGER;
  if (singleSegment) windowBytes = contentSize ?? 0;
  if (windowBytes > MAX_ZSTD_WINDOW_BYTES) {
    return {
      offset: start,
      code: "limit-exceeded",
      message: `Zstd frame at offset ${start} needs a ${windowBytes}-byte window; the limit is ${MAX_ZSTD_WINDOW_BYTES}`,
    };
  }
  if (dictionaryId !== 0) {
    return { offset: start, code: "unsupported", message: `Zstd frame at offset ${start} needs dictionary ${dictionaryId}, which is not available` };
  }
  const end = await walkBlocks(w, start + 5 + fieldsLen, isLate);
  if (typeof end !== "number") return end;
  const length = end + (checksum ? 4 : 0) - start;
  if (start + length > w.size) return { offset: end, code: "truncated", message: `Zstd frame at offset ${start} is truncated` };
  return { offset: start, length, skippable: false, windowBytes, contentSize, dictionaryId, checksum: checksum === 1 };
}

/** 3.1.1.2 blocks: a 3-byte header (last flag, type, size) then the block content. Returns the end offset. */
async function walkBlocks(w: ByteWindow, start: number, isLate: () => boolean): Promise<number | NonNullable<ZstdWalk["problem"]>> {
  let pos = start;
  for (let n = 0; ; n++) {
    if (n % 4096 === 4095 && isLate()) return { offset: pos, code: "timeout", message: `Timed out walking zstd blocks at offset ${pos}` };
    const h = await w.read(pos, 3);
    if (!h) return { offset: pos, code: "truncated", message: `Zstd block header at offset ${pos} is truncated` };
    const v = h[0]! | (h[1]! << 8) | (h[2]! << 16);
    const last = v & 1;
    const type = (v >> 1) & 3;
    const size = v >>> 3;
    if (type === 3) return { offset: pos, code: "invalid", message: `Zstd block at offset ${pos} has the reserved block type` };
    pos += 3 + (type === 1 ? 1 : size);
    if (pos > w.size) return { offset: pos, code: "truncated", message: `Zstd block at offset ${pos} runs past the end of the stream` };
    if (last) return pos;
  }
}

function fail(walk: ZstdWalk, offset: number, code: NonNullable<ZstdWalk["problem"]>["code"], message: string): ZstdWalk {
  walk.problem = { offset, code, message };
  return walk;
}

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

function readLe(b: Uint8Array, o: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b[o + i]!;
  return v;
}
