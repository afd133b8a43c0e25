import type { ByteSource } from "../../core/byte-source.js";
import { ByteWindow } from "./byte-window.js";
import type { ChecksumReport, DecodeOutcome } from "./bounded-decode.js";
import { outputCap } from "./bounded-decode.js";
import { MAX_CRC_CHECK_BYTES } from "./limits.js";
import { XxHash32, xxhash32 } from "./xxhash32.js";

/** LZ4 frame format 1.6 magic numbers. */
const LZ4_MAGIC = 0x184d2204;
const LZ4_LEGACY_MAGIC = 0x184c2102;
/** Block maximum sizes for BD bits 6-4 = 4..7 (64 KiB .. 4 MiB). */
const BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];
/** Legacy frames use fixed 8 MiB blocks. */
const LEGACY_BLOCK_MAX = 8 * 1024 * 1024;

export interface Lz4Request {
  maxOutput: number;
  /** 0 for a counting pass: only the last 64 KiB (the farthest a match reaches) is kept between blocks. */
  keep?: number;
  now?: () => number;
  deadline?: number;
}

/** A decoding failure inside this module; turned into a `corrupt` outcome before returning. */
class Lz4Error extends Error {}

const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** LZ4 match offsets are 16-bit: a counting pass keeps this much history between blocks. */
const LZ4_HISTORY_BYTES = 64 * 1024;

/**
 * Output buffer that grows by doubling and never passes its cap. In counting mode it slides:
 * bytes older than the match history are dropped (`base` counts them).
 */
class Output {
  bytes = new Uint8Array(64 * 1024);
  length = 0;
  base = 0;
  constructor(
    readonly cap: number,
    private readonly counting = false,
  ) {}

  get total(): number {
    return this.base + this.length;
  }

  /** Bytes of room for `n` more (fewer than `n` when the cap is near), growing the buffer to hold them. */
  reserve(n: number): number {
    const room = Math.min(n, this.cap - this.total);
    const need = this.length + room;
    if (need > this.bytes.length) {
      const next = new Uint8Array(Math.min(Math.max(need, this.bytes.length * 2), this.counting ? need : this.cap));
      next.set(this.bytes.subarray(0, this.length));
      this.bytes = next;
    }
    return room;
  }

  /** Called between blocks: in counting mode, drops all but the match history. */
  slide(): void {
    if (!this.counting || this.length <= 4 * LZ4_HISTORY_BYTES) return;
    const drop = this.length - LZ4_HISTORY_BYTES;
    this.bytes.copyWithin(0, drop, this.length);
    this.base += drop;
    this.length = LZ4_HISTORY_BYTES;
  }
}

/**
 * Decodes LZ4 frames (and legacy frames) with the output capped like the other decoders. Every
 * block's output is checked against the frame's declared maximum block size, so a cap is passed
 * by at most one block. Content and block checksums (xxHash32) are verified while the output stays
 * below MAX_CRC_CHECK_BYTES; mismatches are reported in `checksums` (LZ4's CLI refuses such frames).
 */
export async function decodeLz4(source: ByteSource, req: Lz4Request): Promise<DecodeOutcome> {
  const { cap, reason } = outputCap(source.size, req.maxOutput);
  const out = new Output(cap, req.keep === 0);
  const w = new ByteWindow(source);
  const now = req.now ?? Date.now;
  let frames = 0;
  const checksums: ChecksumReport = { checked: 0, mismatches: [] };
  try {
    for (let pos = 0; pos < source.size; ) {
      if (req.deadline !== undefined && now() > req.deadline) return { status: "timeout", produced: out.length };
      const magicBytes = await w.read(pos, 4);
      if (!magicBytes) throw new Lz4Error(`Truncated LZ4 frame magic at offset ${pos}`);
      const magic = u32(magicBytes, 0);
      if (magic >>> 4 === 0x184d2a5) {
        const size = await w.read(pos + 4, 4);
        if (!size) throw new Lz4Error(`Truncated skippable frame at offset ${pos}`);
        pos += 8 + u32(size, 0);
        continue;
      }
      if (frames > 0 && magic !== LZ4_MAGIC && magic !== LZ4_LEGACY_MAGIC) break; // trailing data
      const end = magic === LZ4_LEGACY_MAGIC ? await legacyFrame(w, pos + 4, out) : await frame(w, pos, out, { magic, checksums });
      if (end === "capped") return { status: "capped", reason, cap, produced: out.total + 1, members: frames, prefix: kept(out) };
      pos = end;
      frames++;
    }
  } catch (error) {
    if (!(error instanceof Lz4Error)) throw error;
    return { status: "corrupt", message: error.message, code: undefined, bytes: kept(out), members: frames, produced: out.total };
  }
  return { status: "ok", bytes: kept(out), crc: undefined, members: frames, produced: out.total, checksums };
}

function kept(out: Output): Uint8Array {
  return out.base > 0 ? new Uint8Array(0) : out.bytes.slice(0, out.length);
}

async function frame(w: ByteWindow, start: number, out: Output, { magic, checksums }: { magic: number; checksums: ChecksumReport }): Promise<number | "capped"> {
  if (magic !== LZ4_MAGIC) throw new Lz4Error(`No LZ4 frame magic at offset ${start}`);
  const d = await w.read(start + 4, 2);
  if (!d) throw new Lz4Error(`Truncated LZ4 frame descriptor at offset ${start}`);
  // Frame descriptor: FLG (version 01, B.Indep, B.Checksum, C.Size, C.Checksum, reserved, DictID), BD.
  const flg = d[0]!;
  const bd = d[1]!;
  if (flg >> 6 !== 1 || flg & 0x02 || bd & 0x8f) throw new Lz4Error(`Unsupported LZ4 frame descriptor ${flg.toString(16)} ${bd.toString(16)} at offset ${start}`);
  const blockMax = BLOCK_MAX[(bd >> 4) & 7]!;
  if (!blockMax) throw new Lz4Error(`Invalid LZ4 block size code at offset ${start}`);
  if (flg & 0x01) throw new Lz4Error(`LZ4 frame at offset ${start} needs a dictionary`);
  const blockChecksum = (flg & 0x10) !== 0;
  const content = flg & 0x04 ? new XxHash32() : undefined;
  let hashing = content !== undefined;
  let pos = start + 6 + (flg & 0x08 ? 8 : 0) + 1; // content size, then header checksum
  for (;;) {
    const sizeBytes = await w.read(pos, 4);
    if (!sizeBytes) throw new Lz4Error(`Truncated LZ4 block header at offset ${pos}`);
    const word = u32(sizeBytes, 0);
    pos += 4;
    if (word === 0) break; // EndMark
    const stored = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    if (size > blockMax) throw new Lz4Error(`LZ4 block at offset ${pos - 4} is ${size} bytes; the frame allows ${blockMax}`);
    const block = await w.read(pos, size);
    if (!block) throw new Lz4Error(`Truncated LZ4 block at offset ${pos}`);
    const before = out.length;
    if (!(stored ? copyStored(block, out) : decodeBlock(block, out, blockMax))) return "capped";
    hashing &&= out.total <= MAX_CRC_CHECK_BYTES;
    if (hashing) content!.update(out.bytes.subarray(before, out.length));
    out.slide();
    if (blockChecksum) await checkStored(w, pos + size, xxhash32(block), { what: "LZ4 block checksum", checksums });
    pos += size + (blockChecksum ? 4 : 0);
  }
  if (content && hashing) await checkStored(w, pos, content.digest(), { what: "LZ4 content checksum", checksums });
  else if (content) checksums.unchecked = `output past ${MAX_CRC_CHECK_BYTES} bytes is not checksummed`;
  return pos + (flg & 0x04 ? 4 : 0);
}

/** Compares a stored xxHash32 (little-endian at `at`) with the computed one. */
async function checkStored(w: ByteWindow, at: number, actual: number, { what, checksums }: { what: string; checksums: ChecksumReport }): Promise<void> {
  const stored = await w.read(at, 4);
  if (!stored) throw new Lz4Error(`Truncated ${what} at offset ${at}`);
  checksums.checked++;
  const expected = u32(stored, 0);
  if (expected !== actual) checksums.mismatches.push({ what, offset: at, expected, actual });
}

/** Legacy frame: blocks of u32 compressed size, each decompressing to at most 8 MiB, until another magic or the end. */
async function legacyFrame(w: ByteWindow, start: number, out: Output): Promise<number | "capped"> {
  let pos = start;
  while (pos + 4 <= w.size) {
    const sizeBytes = (await w.read(pos, 4))!;
    const size = u32(sizeBytes, 0);
    if (size === LZ4_MAGIC || size === LZ4_LEGACY_MAGIC) break;
    const block = await w.read(pos + 4, size);
    if (!block) throw new Lz4Error(`Truncated LZ4 legacy block at offset ${pos}`);
    if (!decodeBlock(block, out, LEGACY_BLOCK_MAX)) return "capped";
    out.slide();
    pos += 4 + size;
  }
  return pos;
}

function copyStored(block: Uint8Array, out: Output): boolean {
  const room = out.reserve(block.length);
  out.bytes.set(block.subarray(0, room), out.length);
  out.length += room;
  return room === block.length;
}

/**
 * LZ4 block format: sequences of token, literal length, literals, 2-byte offset, match length.
 * Matches may reach back into earlier blocks (linked blocks); the last 64 KiB at least is kept, so
 * they resolve. Returns false when the output cap would be passed, with the output filled to the cap.
 */
function decodeBlock(src: Uint8Array, out: Output, blockMax: number): boolean {
  const startLength = out.length;
  let ip = 0;
  const readLength = (base: number): number => {
    let n = base;
    if (base !== 15) return n;
    for (;;) {
      if (ip >= src.length) throw new Lz4Error("LZ4 length runs past the end of the block");
      const b = src[ip++]!;
      n += b;
      if (b !== 255) return n;
    }
  };
  while (ip < src.length) {
    const token = src[ip++]!;
    const litLen = readLength(token >> 4);
    if (ip + litLen > src.length) throw new Lz4Error("LZ4 literals run past the end of the block");
    if (out.length - startLength + litLen > blockMax) throw new Lz4Error(`LZ4 block expands past its ${blockMax}-byte maximum`);
    const litRoom = out.reserve(litLen);
    out.bytes.set(src.subarray(ip, ip + litRoom), out.length);
    out.length += litRoom;
    if (litRoom < litLen) return false;
    ip += litLen;
    if (ip >= src.length) break; // the last sequence carries literals only
    if (ip + 2 > src.length) throw new Lz4Error("LZ4 match offset runs past the end of the block");
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > out.length) throw new Lz4Error(`LZ4 match offset ${offset} points before the start of the output`);
    const matchLen = readLength(token & 15) + 4;
    if (out.length - startLength + matchLen > blockMax) throw new Lz4Error(`LZ4 block expands past its ${blockMax}-byte maximum`);
    const matchRoom = out.reserve(matchLen);
    const b = out.bytes;
    for (let i = 0, from = out.length - offset; i < matchRoom; i++) b[out.length + i] = b[from + i]!;
    out.length += matchRoom;
    if (matchRoom < matchLen) return false;
  }
  return true;
}
