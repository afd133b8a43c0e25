import type { ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import type { Limits } from "../../core/limits.js";
import type { Budget } from "../../core/handler.js";
import type { ByteWindow } from "../compress/byte-window.js";
import { crc32 } from "../compress/crc32.js";
import { MAX_BOMB_PREFIX_BYTES } from "../compress/lazy-output.js";
import { MAX_COMPRESSION_RATIO, MAX_MEMBER_OUTPUT_BYTES, RATIO_FLOOR_BYTES } from "../compress/limits.js";
import type { AnomalySink } from "./anomaly-sink.js";
import { hex } from "./bytes.js";
import { entryDecoder, hasDecoder } from "./member-codecs.js";
import { METHOD_AES, METHOD_STORED, methodName } from "./methods.js";
import { PLAINTEXT_SNIFF_BYTES, looksPlaintext } from "./plaintext.js";
import type { ZipAnomaly, ZipDataInfo, ZipEntry } from "./types.js";

/**
 * Stored members CRC-checked at most this large, and only when their start looks like a pickle,
 * text or a known format (what a loader parses); raw tensor bytes are slices nobody reads whole,
 * and are not read just for a CRC (CWE-400).
 */
export const MAX_STORED_CRC_BYTES = 1024 * 1024;
/** APPNOTE 4.4.4 bits 0 (encrypted) and 6 (strong encryption). */
const FLAG_ENCRYPTED = 0x0001 | 0x0040;

export interface DataContext {
  source: ByteSource;
  limits: Limits;
  budget: Budget;
  now(): number;
  deadline: number;
  sink: AnomalySink<ZipAnomaly>;
  defects: Defect[];
  notes: string[];
  /** Buffered reads of small member data (heads and CRCs of stored members). */
  window?: ByteWindow;
  /** Output of all entries of this archive against its own ratio bound (see `archiveOutputCap`). */
  archive: ArchiveOutput;
}

/** Output counted across one archive's entries. */
export interface ArchiveOutput {
  cap: number;
  produced: number;
  /** Entries refused for the archive bound (reported once). */
  refused: number;
}

/** Below this, an archive's entries together never count as a bomb by ratio: many small runs of zeros compress far past the ratio legitimately (CWE-409). */
export const ARCHIVE_RATIO_FLOOR_BYTES = 64 * 1024 * 1024;

/**
 * What all entries of an archive may expand to together: MAX_COMPRESSION_RATIO times the whole
 * file (or the floor). Each entry is already held to the ratio against its own compressed size, so
 * only entries that share compressed bytes can add up past this.
 */
export function archiveOutputCap(archiveBytes: number): number {
  return Math.max(ARCHIVE_RATIO_FLOOR_BYTES, archiveBytes * MAX_COMPRESSION_RATIO);
}

/** How one reader would take an entry's bytes. */
export interface DataSpec {
  offset: number;
  compressedSize: number;
  uncompressedSize: number;
  method: number;
  flags: number;
  /** Expected CRC-32, undefined when the headers do not carry one. */
  crc: number | undefined;
}

export interface DataResult {
  info: ZipDataInfo;
  source?: ByteSource;
  speculative: boolean;
}

/**
 * Reads one entry's data the way one reader takes it (`spec`): a slice for stored data, a bounded
 * decode for deflate and zstd, a fatal defect for encryption and methods without a decoder.
 */
export async function readData(spec: DataSpec, e: ZipEntry, ctx: DataContext): Promise<DataResult> {
  const size = ctx.source.size;
  if (spec.offset + spec.compressedSize > size) return outsideFile(spec, e, ctx);
  if (spec.method === METHOD_AES) return encrypted(e, ctx, `uses WinZip AES encryption (method 99)`);
  if (spec.method === METHOD_STORED) return readStored(spec, e, ctx);
  if (hasDecoder(spec.method)) return readCompressed(spec, e, ctx);
  ctx.sink.add({ code: "unsupported-method", message: `Entry "${e.name}" uses compression method ${methodName(spec.method)}`, offset: e.localOffset, entries: [e.id] });
  ctx.defects.push(
    defect("unsupported", `Unsupported compression method ${methodName(spec.method)} for zip entry "${e.name}": cannot scan inside`, { offset: e.localOffset }),
  );
  return { info: { status: "unsupported-method", crc: "not-checked" }, speculative: false };
}

function outsideFile(spec: DataSpec, e: ZipEntry, ctx: DataContext): DataResult {
  const size = ctx.source.size;
  ctx.sink.add({
    code: "data-outside-file",
    message: `Data of entry "${e.name}" (${spec.offset}+${spec.compressedSize}) runs past the end of the file (${size} bytes)`,
    offset: spec.offset,
    entries: [e.id],
  });
  ctx.defects.push(defect("truncated", `Zip entry "${e.name}" is truncated: its data runs past the end of the file`, { offset: spec.offset }));
  const info: ZipDataInfo = { status: "outside-file", crc: "not-checked" };
  if (spec.method !== METHOD_STORED || spec.offset >= size) return { info, speculative: true };
  return { info, source: ctx.source.slice(spec.offset, size - spec.offset), speculative: true };
}

function encrypted(e: ZipEntry, ctx: DataContext, how: string): DataResult {
  ctx.sink.add({ code: "encrypted", message: `Entry "${e.name}" ${how}; its content cannot be scanned`, offset: e.localOffset, entries: [e.id] });
  ctx.defects.push(defect("encrypted", `Zip entry "${e.name}" is encrypted: cannot scan inside`, { offset: e.localOffset }));
  return { info: { status: "encrypted", crc: "not-checked" }, speculative: true };
}

function plaintextBehindFlag(e: ZipEntry, ctx: DataContext, info: ZipDataInfo): void {
  info.encryptionFlagOnPlaintext = true;
  ctx.sink.add({
    code: "encrypted",
    message: `Entry "${e.name}" is flagged encrypted but its data is plaintext: PyTorch (miniz) reads it, Python zipfile asks for a password`,
    offset: e.localOffset,
    entries: [e.id],
    evidence: `flags ${hex(e.flags, 4)}`,
  });
}

/** `crcNote` of stored members not CRC-checked because of their size. */
export const STORED_CRC_NOTE = "stored binary data is not read just for a CRC";

async function readStored(spec: DataSpec, e: ZipEntry, ctx: DataContext): Promise<DataResult> {
  const source = ctx.source.slice(spec.offset, spec.compressedSize);
  const info: ZipDataInfo = { status: "stored", outputBytes: spec.compressedSize, crc: "not-checked" };
  const wantsCrc = spec.crc !== undefined && spec.compressedSize <= MAX_STORED_CRC_BYTES;
  // Through the shared window: small members sit next to their headers, so thousands of them cost a few reads, not two each.
  const head = (spec.flags & FLAG_ENCRYPTED) || wantsCrc ? await readVia(ctx, spec.offset, Math.min(PLAINTEXT_SNIFF_BYTES, spec.compressedSize), spec.compressedSize) : undefined;
  const plaintext = head !== undefined && looksPlaintext(head);
  if (spec.flags & FLAG_ENCRYPTED) {
    if (!plaintext) {
      // PyTorch would read these bytes as they are, so they are still scanned, as a guess.
      const r = encrypted(e, ctx, `is encrypted (flags ${hex(spec.flags, 4)})`);
      return { ...r, source };
    }
    plaintextBehindFlag(e, ctx, info);
  }
  if (spec.crc === undefined) info.crcNote = "no CRC recorded";
  else if (!wantsCrc || !plaintext) info.crcNote = STORED_CRC_NOTE;
  else checkCrc(info, spec.crc, crc32(await readVia(ctx, spec.offset, spec.compressedSize, spec.compressedSize)), e, ctx);
  return { info, source, speculative: false };
}

/** Members at most this large are read through the shared window (the window's size, so large members cost no extra bytes). */
export const SMALL_MEMBER_BYTES = 4096;

/** Bytes inside the file (checked by the caller), through the window for small members. */
async function readVia(ctx: DataContext, offset: number, length: number, memberBytes: number): Promise<Uint8Array> {
  const viaWindow = memberBytes <= SMALL_MEMBER_BYTES ? await ctx.window?.read(offset, length) : undefined;
  return viaWindow ?? ctx.source.read(offset, length);
}

async function readCompressed(spec: DataSpec, e: ZipEntry, ctx: DataContext): Promise<DataResult> {
  const remaining = Math.max(0, ctx.limits.maxInflatedBytes - ctx.budget.inflatedBytes);
  const archiveLeft = Math.max(0, ctx.archive.cap - ctx.archive.produced);
  const maxOutput = Math.min(remaining, MAX_MEMBER_OUTPUT_BYTES, archiveLeft);
  const refusal = refuseByDeclaredSize(spec, e, ctx, { maxOutput, archiveLeft });
  if (refusal) return refusal;
  const decoder = entryDecoder(spec.method, {
    source: ctx.source,
    offset: spec.offset,
    length: spec.compressedSize,
    maxOutput,
    declaredSize: spec.uncompressedSize,
    crc: spec.crc !== undefined,
    now: ctx.now,
    deadline: ctx.deadline,
  })!;
  const out = await decoder.count();
  const encryptedFlag = (spec.flags & FLAG_ENCRYPTED) !== 0;
  switch (out.status) {
    case "ok": {
      charge(ctx, out.produced);
      const info: ZipDataInfo = { status: "inflated", outputBytes: out.produced, crc: "not-checked" };
      if (encryptedFlag) plaintextBehindFlag(e, ctx, info);
      if (spec.crc === undefined) info.crcNote = "no CRC recorded";
      else if (out.crc === undefined) info.crcNote = "member too large for a CRC check";
      else checkCrc(info, spec.crc, out.crc, e, ctx);
      return { info, source: decoder.lazy(out.produced), speculative: false };
    }
    case "capped": {
      const prefix = Math.min(out.cap, MAX_BOMB_PREFIX_BYTES);
      charge(ctx, prefix);
      const archiveBound = out.cap === archiveLeft && archiveLeft < Math.min(remaining, MAX_MEMBER_OUTPUT_BYTES);
      const r = archiveBound
        ? archiveBomb(e, ctx, `expands past the ${out.cap} bytes left of the archive's output`)
        : bomb(e, ctx, out.reason === "ratio" ? "compression-ratio" : "output-limit", `expands past ${out.cap} bytes from ${spec.compressedSize} compressed`);
      // A loader reading incrementally acts on the start before it reaches the bomb: scan that much.
      return prefix > 0 ? { ...r, source: decoder.lazy(prefix), speculative: true } : r;
    }
    case "corrupt": {
      charge(ctx, out.produced);
      if (encryptedFlag) return encrypted(e, ctx, `is encrypted (flags ${hex(spec.flags, 4)}) and does not decompress`);
      ctx.defects.push(defect("truncated", `Zip entry "${e.name}" does not decompress: ${out.message}`, { offset: spec.offset }));
      const info: ZipDataInfo = { status: "corrupt", outputBytes: out.produced, crc: "not-checked" };
      return out.produced > 0 ? { info, source: decoder.lazy(out.produced), speculative: true } : { info, speculative: true };
    }
    case "timeout":
      ctx.defects.push(defect("timeout", `Timed out decompressing zip entry "${e.name}"`, { offset: spec.offset }));
      return { info: { status: "timeout", crc: "not-checked" }, speculative: false };
    case "refused":
      ctx.defects.push(defect(out.code, `Cannot decompress zip entry "${e.name}": ${out.message}`, { offset: out.offset }));
      return { info: { status: "refused", crc: "not-checked" }, speculative: false };
  }
}

/** Output counts against the scan's budget and the archive's own ratio bound when it is counted, not when it is produced again. */
function charge(ctx: DataContext, bytes: number): void {
  ctx.budget.inflatedBytes += bytes;
  ctx.archive.produced += bytes;
}

/** Declared sizes are checked before any work: a claim past the caps is refused outright. */
function refuseByDeclaredSize(spec: DataSpec, e: ZipEntry, ctx: DataContext, { maxOutput, archiveLeft }: { maxOutput: number; archiveLeft: number }): DataResult | undefined {
  const ratioCap = Math.max(RATIO_FLOOR_BYTES, spec.compressedSize * MAX_COMPRESSION_RATIO);
  if (spec.uncompressedSize > ratioCap) {
    const ratio = Math.round(spec.uncompressedSize / Math.max(1, spec.compressedSize));
    return bomb(e, ctx, "compression-ratio", `declares ${spec.uncompressedSize} bytes from ${spec.compressedSize} compressed (${ratio}:1, limit ${MAX_COMPRESSION_RATIO}:1)`);
  }
  if (spec.uncompressedSize > archiveLeft) return archiveBomb(e, ctx, `declares ${spec.uncompressedSize} bytes, more than the ${archiveLeft} bytes left of the archive's output`);
  if (spec.uncompressedSize > maxOutput) {
    return bomb(e, ctx, "output-limit", `declares ${spec.uncompressedSize} bytes, more than the ${maxOutput} bytes left to decompress`);
  }
  return undefined;
}

function bomb(e: ZipEntry, ctx: DataContext, code: "compression-ratio" | "output-limit", what: string): DataResult {
  ctx.sink.add({ code, message: `Entry "${e.name}" ${what}`, offset: e.localOffset, entries: [e.id] });
  ctx.defects.push(
    defect("limit-exceeded", `Zip entry "${e.name}" was not decompressed: it ${what}`, {
      offset: e.localOffset,
      limit: code === "compression-ratio" ? "MAX_COMPRESSION_RATIO" : "maxInflatedBytes",
    }),
  );
  return { info: { status: "refused", crc: "not-checked" }, speculative: false };
}

/**
 * Entries that together expand past MAX_COMPRESSION_RATIO times the whole archive: only entries
 * sharing compressed bytes (overlapping entries, Fifield's quoted-overlap bomb) get there, since
 * each entry alone is held to the ratio. One anomaly and one defect for the archive, however many
 * entries are refused, so a bomb with thousands of entries stays a short report (CWE-409).
 */
function archiveBomb(e: ZipEntry, ctx: DataContext, what: string): DataResult {
  if (ctx.archive.refused++ === 0) {
    const message = `Entries together expand past ${ctx.archive.cap} bytes, ${MAX_COMPRESSION_RATIO} times the ${ctx.source.size}-byte archive (overlapping entries: a zip bomb); entry "${e.name}" ${what}`;
    ctx.sink.add({ code: "compression-ratio", message, offset: e.localOffset, entries: [e.id] });
    ctx.defects.push(defect("limit-exceeded", `Zip entries past the archive's output bound were not decompressed, from entry "${e.name}" on`, { offset: e.localOffset, limit: "MAX_COMPRESSION_RATIO" }));
  }
  return { info: { status: "refused", crc: "not-checked" }, speculative: false };
}

function checkCrc(info: ZipDataInfo, expected: number, actual: number, e: ZipEntry, ctx: DataContext): void {
  info.actualCrc = actual;
  info.crc = actual === expected ? "match" : "mismatch";
  if (actual !== expected) {
    ctx.sink.add({
      code: "crc-mismatch",
      message: `Entry "${e.name}" has CRC-32 ${hex(actual)} but its header says ${hex(expected)}: Python zipfile refuses to read it, PyTorch reads it`,
      offset: e.localOffset,
      entries: [e.id],
    });
  }
}
