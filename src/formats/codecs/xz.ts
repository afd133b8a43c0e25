/**
 * The .xz container (xz-file-format 1.2.0): streams of blocks with an index and a footer, stream
 * padding between streams. Blocks hold LZMA2 behind optional x86-BCJ/Delta filters; the other
 * filters are reported as unsupported. CRC32, CRC64 and SHA-256 checks are verified; the
 * reserved check types are skipped and reported.
 */
import type { ByteSource } from "../../core/byte-source.js";
import { Crc64, crc32 } from "./crc.js";
import { BcjX86Filter, DeltaFilter, FilteredSink, type ByteFilter } from "./filters.js";
import { SourceReader } from "./input.js";
import { MAX_XZ_BLOCKS, MAX_XZ_BLOCK_HEADER_BYTES, MAX_XZ_STREAMS } from "./limits.js";
import { LzmaDecoder } from "./lzma.js";
import { decodeLzma2, lzma2Props } from "./lzma2.js";
import { Output, type OutputSink } from "./output.js";
import { Sha256 } from "./sha256.js";
import type { CodecDefect, CodecNote, DecodeControl, DecodeResult } from "./types.js";
import { XZ_MAGIC, isXz } from "./magic.js";

export { XZ_MAGIC, isXz };

const FOOTER_MAGIC = [0x59, 0x5a] as const;
/** Check field sizes by check ID (xz-file-format 3.4). */
const CHECK_SIZES = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];
const CHECK_NAMES: Record<number, string> = { 0: "None", 1: "CRC32", 4: "CRC64", 10: "SHA-256" };
const FILTER_NAMES: Record<number, string> = { 3: "Delta", 4: "x86 BCJ", 5: "PowerPC BCJ", 6: "IA-64 BCJ", 7: "ARM BCJ", 8: "ARM-Thumb BCJ", 9: "SPARC BCJ", 10: "ARM64 BCJ", 11: "RISC-V BCJ", 0x21: "LZMA2" };

/** A parse failure inside this module; `decodeXz` turns it into a defect before returning. */
class XzError extends Error {
  constructor(
    readonly defect: CodecDefect,
  ) {
    super(defect.message);
  }
}

const fail = (code: CodecDefect["code"], message: string, offset: number): never => {
  throw new XzError({ code, message, offset });
};

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0): boolean => sig.every((x, i) => b[at + i] === x);
const u32le = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** Running check of a block's output. */
interface Check {
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}

function makeCheck(id: number): Check | undefined {
  switch (id) {
    case 1: {
      let c = 0;
      return { update: (b) => void (c = crc32(b, c)), digest: () => new Uint8Array([c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24]) };
    }
    case 4:
      return new Crc64();
    case 10:
      return new Sha256();
    default:
      return undefined;
  }
}

/** Sizes seen for the blocks, folded the way xz-embedded compares them with the Index. */
class IndexHash {
  count = 0;
  unpadded = 0;
  uncompressed = 0;
  crc = 0;
  add(unpadded: number, uncompressed: number): void {
    this.count += 1;
    this.unpadded += unpadded;
    this.uncompressed += uncompressed;
    const rec = new Uint8Array(16);
    const dv = new DataView(rec.buffer);
    dv.setFloat64(0, unpadded, true);
    dv.setFloat64(8, uncompressed, true);
    this.crc = crc32(rec, this.crc);
  }
  equals(o: IndexHash): boolean {
    return this.count === o.count && this.unpadded === o.unpadded && this.uncompressed === o.uncompressed && this.crc === o.crc;
  }
}

/** A variable-length integer (xz-file-format 1.2): up to 9 bytes, no trailing zero byte; undefined past 2^53. */
function readVli(b: Uint8Array, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 9 && at + i < b.length; i++) {
    const byte = b[at + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) return undefined;
      return Number.isSafeInteger(value) ? { value, next: at + i + 1 } : undefined;
    }
  }
  return undefined;
}

/** Reads a VLI from the reader one byte at a time (Index records). */
async function takeVli(r: SourceReader, onByte: (b: number) => void): Promise<number> {
  const at = r.position;
  const bytes: number[] = [];
  for (let i = 0; i < 9; i++) {
    const b = await r.take(1);
    if (!b) return fail("truncated", "xz index ends inside a number", at);
    bytes.push(b[0]!);
    onByte(b[0]!);
    if ((b[0]! & 0x80) === 0) break;
  }
  const v = readVli(new Uint8Array(bytes), 0);
  if (!v) return fail("corrupt", "xz index holds an invalid or oversized number", at);
  return v.value;
}

interface BlockHeader {
  size: number;
  compressedSize?: number;
  uncompressedSize?: number;
  filters: ByteFilter[];
  dictSize: number;
}

/** Parses a Block Header (xz-file-format 3.1) whose first byte is `sizeByte`. */
async function readBlockHeader(r: SourceReader, sizeByte: number, at: number): Promise<BlockHeader> {
  const size = (sizeByte + 1) * 4;
  if (size > MAX_XZ_BLOCK_HEADER_BYTES) fail("corrupt", `xz block header size ${size} exceeds ${MAX_XZ_BLOCK_HEADER_BYTES}`, at);
  const rest = await r.take(size - 1);
  if (!rest) return fail("truncated", "xz block header is cut short", at);
  const h = new Uint8Array(size);
  h[0] = sizeByte;
  h.set(rest, 1);
  if (crc32(h.subarray(0, size - 4)) !== u32le(h, size - 4)) fail("corrupt", "xz block header CRC32 does not match", at);
  const flags = h[1]!;
  if (flags & 0x3c) fail("unsupported", `xz block flags 0x${flags.toString(16)} set reserved bits`, at + 1);
  let p = 2;
  const field = (name: string): number => {
    const v = readVli(h, p);
    if (!v || v.next > size - 4) return fail("corrupt", `xz block header ${name} is invalid`, at + p);
    p = v.next;
    return v.value;
  };
  const header: BlockHeader = { size, filters: [], dictSize: 0 };
  if (flags & 0x40) header.compressedSize = field("compressed size");
  if (flags & 0x80) header.uncompressedSize = field("uncompressed size");
  const count = (flags & 0x03) + 1;
  const chain: { id: number; props: Uint8Array; at: number }[] = [];
  for (let k = 0; k < count; k++) {
    const fAt = at + p;
    const id = field("filter ID");
    const propsSize = field("filter properties size");
    if (p + propsSize > size - 4) fail("corrupt", `xz filter properties size ${propsSize} runs past the block header`, fAt);
    chain.push({ id, props: h.subarray(p, p + propsSize), at: fAt });
    p += propsSize;
  }
  for (; p < size - 4; p++) if (h[p] !== 0) fail("corrupt", "xz block header padding is not zero", at + p);
  const last = chain[chain.length - 1]!;
  if (last.id !== 0x21) fail("unsupported", `xz filter chain ends in ${FILTER_NAMES[last.id] ?? `filter 0x${last.id.toString(16)}`}, not LZMA2`, last.at);
  if (last.props.length !== 1) fail("corrupt", "xz LZMA2 filter properties are not one byte", last.at);
  const props = lzma2Props(last.props[0]!, last.at);
  if ("defect" in props) throw new XzError(props.defect);
  header.dictSize = props.dictSize;
  for (const f of chain.slice(0, -1)) header.filters.push(makeFilter(f.id, f.props, f.at));
  // Decoding runs the chain backwards: LZMA2's output meets the filter listed just before it first.
  header.filters.reverse();
  return header;
}

function makeFilter(id: number, props: Uint8Array, at: number): ByteFilter {
  if (id === 0x03) {
    if (props.length !== 1) fail("corrupt", "xz Delta filter properties are not one byte", at);
    return new DeltaFilter(props[0]! + 1);
  }
  if (id === 0x04) {
    if (props.length !== 0 && props.length !== 4) fail("corrupt", `xz x86 BCJ filter properties are ${props.length} bytes, not 0 or 4`, at);
    return new BcjX86Filter(props.length === 4 ? u32le(props, 0) : 0);
  }
  if (id === 0x21) return fail("unsupported", "xz filter chain uses LZMA2 twice", at);
  return fail("unsupported", `xz filter ${FILTER_NAMES[id] ?? `0x${id.toString(16)}`} is not supported`, at);
}

/** An output sink that also feeds the block check and counts the block's bytes. */
class BlockSink implements OutputSink {
  bytes = 0;
  constructor(
    private readonly inner: OutputSink,
    private readonly check: Check | undefined,
  ) {}
  get room(): number {
    return this.inner.room;
  }
  get windowCap(): number {
    return this.inner.windowCap;
  }
  emit(chunk: Uint8Array): boolean {
    this.bytes += chunk.length;
    this.check?.update(chunk);
    return this.inner.emit(chunk);
  }
  expired(offset: number): CodecDefect | undefined {
    return this.inner.expired(offset);
  }
}

/**
 * Decodes every stream of an .xz file into `ctl.onOutput`, verifying block checks, the index
 * against the blocks, and the footer. Data after the last stream that is not stream padding is
 * reported as appended data (Python's lzma module ignores it; xz(1) rejects it).
 *
 * @example
 * const r = await decodeXz(source, { onOutput: (c) => (chunks.push(c.slice()), true), maxOutput: 1 << 30 });
 */
export async function decodeXz(source: ByteSource, ctl: DecodeControl): Promise<DecodeResult> {
  const out = new Output(ctl);
  const notes: CodecNote[] = [];
  const r = new SourceReader(source);
  let streams = 0;
  try {
    for (;;) {
      if (streams >= MAX_XZ_STREAMS) fail("limit-exceeded", `More than ${MAX_XZ_STREAMS} xz streams`, r.position);
      const status = await decodeStream(r, out, notes);
      streams += 1;
      if (status === "stopped") return { status: "stopped", produced: out.produced, notes, streams };
      const { next, at } = await skipPadding(r);
      if (next === "end") return { status: "done", produced: out.produced, notes, streams };
      if (next === "other") {
        notes.push({ code: "appended-data", message: `${r.end - at} bytes after the last xz stream are not an xz stream`, offset: at });
        return { status: "done", produced: out.produced, notes, streams };
      }
    }
  } catch (error) {
    if (!(error instanceof XzError)) throw error;
    return { status: "failed", produced: out.produced, defect: error.defect, notes, streams: streams + 1 };
  }
}

/** Stream padding: zero bytes in multiples of four. Says what follows, and where the padding began. */
async function skipPadding(r: SourceReader): Promise<{ next: "end" | "stream" | "other"; at: number }> {
  const at = r.position;
  for (;;) {
    const b = await r.peekUpTo(4096);
    if (b.length === 0) break;
    let zeros = 0;
    while (zeros < b.length && b[zeros] === 0) zeros++;
    r.skip(zeros);
    if (zeros < b.length) break;
  }
  const padding = r.position - at;
  if (r.remaining > 0 && !startsWith(await r.peekUpTo(XZ_MAGIC.length), XZ_MAGIC)) return { next: "other", at };
  if (padding % 4 !== 0) fail("corrupt", `xz stream padding of ${padding} bytes is not a multiple of 4`, at);
  return { next: r.remaining === 0 ? "end" : "stream", at };
}

/** One stream: header, blocks, index, footer. */
async function decodeStream(r: SourceReader, out: Output, notes: CodecNote[]): Promise<"done" | "stopped"> {
  const streamAt = r.position;
  const header = await r.take(12);
  if (!header) return fail("truncated", "xz stream header is cut short", streamAt);
  if (!startsWith(header, XZ_MAGIC)) fail("corrupt", "xz stream header magic is missing", streamAt);
  if (crc32(header.subarray(6, 8)) !== u32le(header, 8)) fail("corrupt", "xz stream header CRC32 does not match", streamAt + 8);
  if (header[6] !== 0 || (header[7]! & 0xf0) !== 0) fail("unsupported", `xz stream flags 0x${header[6]!.toString(16)}${header[7]!.toString(16).padStart(2, "0")} set reserved bits`, streamAt + 6);
  const flags = header.slice(6, 8);
  const checkId = flags[1]! & 0x0f;
  const checkSize = CHECK_SIZES[checkId]!;
  if (checkId !== 0 && CHECK_NAMES[checkId] === undefined) {
    notes.push({ code: "check-not-verified", message: `xz check type ${checkId} is reserved; blocks were not verified`, offset: streamAt + 7 });
  }
  const seen = new IndexHash();
  // One decoder per dictionary size for the whole stream: tiny blocks must not each allocate a window.
  const decoders = new Map<number, LzmaDecoder>();
  for (;;) {
    const blockAt = r.position;
    const first = await r.take(1);
    if (!first) return fail("truncated", "xz stream ends before its index", blockAt);
    if (first[0] === 0) break;
    if (seen.count >= MAX_XZ_BLOCKS) fail("limit-exceeded", `More than ${MAX_XZ_BLOCKS} blocks in one xz stream`, blockAt);
    const bh = await readBlockHeader(r, first[0]!, blockAt);
    const dataAt = r.position;
    const check = makeCheck(checkId);
    const sink = new BlockSink(out, check);
    const filtered = bh.filters.length > 0 ? new FilteredSink(sink, bh.filters) : undefined;
    let decoder = decoders.get(bh.dictSize);
    if (!decoder) {
      decoder = new LzmaDecoder(bh.dictSize, out.windowCap);
      if (decoders.size < 4) decoders.set(bh.dictSize, decoder);
    }
    const result = await decodeLzma2(r, filtered ?? sink, { dictSize: bh.dictSize, decoder });
    if (result.status === "failed") throw new XzError(result.defect!);
    if (result.status === "stopped") return "stopped";
    if (filtered && !filtered.finish()) return "stopped";
    const compressed = r.position - dataAt;
    if (bh.compressedSize !== undefined && bh.compressedSize !== compressed) fail("corrupt", `xz block declares ${bh.compressedSize} compressed bytes but holds ${compressed}`, blockAt);
    if (bh.uncompressedSize !== undefined && bh.uncompressedSize !== sink.bytes) fail("corrupt", `xz block declares ${bh.uncompressedSize} uncompressed bytes but holds ${sink.bytes}`, blockAt);
    const padding = (4 - (compressed % 4)) % 4;
    const pad = await r.take(padding + checkSize);
    if (!pad) return fail("truncated", "xz block padding or check is cut short", r.position);
    for (let k = 0; k < padding; k++) if (pad[k] !== 0) fail("corrupt", "xz block padding is not zero", r.position - pad.length + k);
    if (check) {
      const want = check.digest();
      const got = pad.subarray(padding);
      if (!want.every((b, k) => got[k] === b)) fail("crc-mismatch", `xz block ${CHECK_NAMES[checkId]} check does not match its data`, r.position - checkSize);
    }
    seen.add(bh.size + compressed + checkSize, sink.bytes);
  }
  const indexAt = r.position - 1;
  await readIndex(r, indexAt, seen);
  const footerAt = r.position;
  const footer = await r.take(12);
  if (!footer) return fail("truncated", "xz stream footer is cut short", footerAt);
  if (!startsWith(footer, FOOTER_MAGIC, 10)) fail("corrupt", "xz stream footer magic is missing", footerAt + 10);
  if (crc32(footer.subarray(4, 10)) !== u32le(footer, 0)) fail("corrupt", "xz stream footer CRC32 does not match", footerAt);
  if (footer[8] !== flags[0] || footer[9] !== flags[1]) fail("corrupt", "xz stream footer flags differ from the header's", footerAt + 8);
  const backward = (u32le(footer, 4) + 1) * 4;
  if (backward !== footerAt - indexAt) fail("corrupt", `xz stream footer says the index is ${backward} bytes, it is ${footerAt - indexAt}`, footerAt + 4);
  return "done";
}

/** Reads the Index (xz-file-format 4) whose indicator byte was at `at`, and compares it with the blocks. */
async function readIndex(r: SourceReader, at: number, seen: IndexHash): Promise<void> {
  let crc = crc32(new Uint8Array([0]));
  const one = new Uint8Array(1);
  const onByte = (b: number): void => {
    one[0] = b;
    crc = crc32(one, crc);
  };
  const count = await takeVli(r, onByte);
  if (count !== seen.count) fail("corrupt", `xz index lists ${count} blocks, the stream holds ${seen.count}`, at);
  const listed = new IndexHash();
  for (let k = 0; k < count; k++) {
    const unpadded = await takeVli(r, onByte);
    const uncompressed = await takeVli(r, onByte);
    listed.add(unpadded, uncompressed);
  }
  if (!listed.equals(seen)) fail("corrupt", "xz index records do not match the blocks", at);
  const size = r.position - at;
  const padding = (4 - (size % 4)) % 4;
  const tail = await r.take(padding + 4);
  if (!tail) return fail("truncated", "xz index is cut short", r.position);
  for (let k = 0; k < padding; k++) {
    if (tail[k] !== 0) fail("corrupt", "xz index padding is not zero", r.position - tail.length + k);
    onByte(0);
  }
  if (crc !== u32le(tail, padding)) fail("corrupt", "xz index CRC32 does not match", r.position - 4);
}
