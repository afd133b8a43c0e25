/**
 * 7z archive reader (7-Zip DOC/7zFormat.txt): the signature header, the (possibly LZMA/LZMA2
 * encoded) header, folders, substreams and files; and extraction of a folder's output split into
 * its files. Encrypted headers and folders are reported as encrypted, never guessed at.
 */
import type { ByteSource } from "../../core/byte-source.js";
import { crc32 } from "./crc.js";
import { SourceReader } from "./input.js";
import { MAX_7Z_HEADER_BYTES, MAX_7Z_HEADER_LAYERS } from "./limits.js";
import { Output } from "./output.js";
import { decodeFolder, planFolder } from "./sevenzip-folder.js";
import { Cursor, HeaderError, NID, readFilesInfo, readStreamsInfo, type SevenZipFileInfo, type SevenZipFolder, type StreamsInfo } from "./sevenzip-header.js";
import type { CodecDefect, CodecNote, DecodeControl } from "./types.js";
import { SEVEN_ZIP_MAGIC, isSevenZip } from "./magic.js";

export type { SevenZipCoder, SevenZipFileInfo, SevenZipFolder, SevenZipSubstream } from "./sevenzip-header.js";
export { planFolder } from "./sevenzip-folder.js";

export { SEVEN_ZIP_MAGIC, isSevenZip };

const SIGNATURE_HEADER_BYTES = 32;

export interface SevenZipArchive {
  version: { major: number; minor: number };
  /** Absolute offset and size of the (outer) header. */
  headerOffset: number;
  headerSize: number;
  /** Methods of each encoded-header layer, outermost first (empty for a plain header). */
  headerMethods: string[][];
  /** Absolute offset of every packed stream, and its size. */
  packOffsets: number[];
  packSizes: number[];
  folders: SevenZipFolder[];
  files: SevenZipFileInfo[];
  /** Bytes after the header that belong to no structure (a polyglot's tail). */
  trailingBytes: number;
}

export type SevenZipRead = { ok: true; archive: SevenZipArchive; notes: CodecNote[] } | { ok: false; defect: CodecDefect; partial: Partial<SevenZipArchive> };

/**
 * Reads the archive structure (no file data). Encoded headers are decoded within
 * MAX_7Z_HEADER_BYTES; an encrypted header comes back as an `encrypted` defect.
 *
 * @example
 * const r = await readSevenZip(source, { now: Date.now, deadline: Infinity });
 * if (r.ok) for (const f of r.archive.files) console.log(f.name, f.size);
 */
export async function readSevenZip(source: ByteSource, opts: { now?: () => number; deadline?: number } = {}): Promise<SevenZipRead> {
  const partial: Partial<SevenZipArchive> = { headerMethods: [] };
  try {
    if (source.size < SIGNATURE_HEADER_BYTES) throw new HeaderError({ code: "truncated", message: `7z file is ${source.size} bytes long, shorter than its 32-byte signature header`, offset: 0 });
    const sig = await source.read(0, SIGNATURE_HEADER_BYTES);
    const c = new Cursor(sig, 0, "signature header");
    if (!isSevenZip(sig)) c.fail("signature is missing");
    c.pos = 6;
    const version = { major: c.byte(), minor: c.byte() };
    partial.version = version;
    if (version.major !== 0) c.fail(`format version ${version.major}.${version.minor} is not 0.x`, "unsupported");
    const startCrc = c.u32();
    if (crc32(sig.subarray(12, 32)) !== startCrc) c.fail("start header CRC does not match");
    const nextOffset = readU64(sig, 12, c);
    const nextSize = readU64(sig, 20, c);
    const nextCrc = (sig[28]! | (sig[29]! << 8) | (sig[30]! << 16) | (sig[31]! << 24)) >>> 0;
    const headerOffset = SIGNATURE_HEADER_BYTES + nextOffset;
    partial.headerOffset = headerOffset;
    partial.headerSize = nextSize;
    if (nextSize > MAX_7Z_HEADER_BYTES) throw new HeaderError({ code: "limit-exceeded", message: `7z header of ${nextSize} bytes exceeds limit ${MAX_7Z_HEADER_BYTES}`, offset: 20, limit: "MAX_7Z_HEADER_BYTES" });
    if (headerOffset + nextSize > source.size) throw new HeaderError({ code: "truncated", message: `7z header at ${headerOffset} (${nextSize} bytes) runs past the end of the ${source.size}-byte file`, offset: 12 });
    const archive: SevenZipArchive = { version, headerOffset, headerSize: nextSize, headerMethods: [], packOffsets: [], packSizes: [], folders: [], files: [], trailingBytes: source.size - headerOffset - nextSize };
    if (nextSize === 0) return { ok: true, archive, notes: [] };
    const raw = await new SourceReader(source, headerOffset, headerOffset + nextSize).take(nextSize);
    if (!raw) throw new HeaderError({ code: "truncated", message: "7z header is cut short", offset: headerOffset });
    if (crc32(raw) !== nextCrc) throw new HeaderError({ code: "corrupt", message: "7z header CRC does not match", offset: headerOffset });
    let header = raw;
    let base = headerOffset;
    const notes: CodecNote[] = [];
    for (let layer = 0; ; layer++) {
      const hc = new Cursor(header, base, "header");
      const id = hc.byte();
      if (id === NID.header) {
        readHeader(hc, archive);
        break;
      }
      if (id !== NID.encodedHeader) hc.fail(`header starts with 0x${id.toString(16)}, not a header or encoded header`);
      if (layer >= MAX_7Z_HEADER_LAYERS) throw new HeaderError({ code: "limit-exceeded", message: `7z header is encoded more than ${MAX_7Z_HEADER_LAYERS} times`, offset: base, limit: "MAX_7Z_HEADER_LAYERS" });
      const info = readStreamsInfo(hc);
      archive.headerMethods.push(info.folders[0]?.coders.map((k) => k.method) ?? []);
      partial.headerMethods = archive.headerMethods;
      header = await decodeHeaderFolder(source, info, notes, opts);
      base = 0;
    }
    return { ok: true, archive, notes };
  } catch (error) {
    if (!(error instanceof HeaderError)) throw error;
    return { ok: false, defect: error.defect, partial };
  }
}

function readU64(b: Uint8Array, at: number, c: Cursor): number {
  const lo = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  const hi = (b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) >>> 0;
  const v = hi * 2 ** 32 + lo;
  if (!Number.isSafeInteger(v)) {
    c.pos = at;
    c.fail(`header offset or size ${v} is past 2^53`);
  }
  return v;
}

/** Header: archive properties, additional and main streams, files. */
function readHeader(c: Cursor, archive: SevenZipArchive): void {
  let id = c.byte();
  if (id === NID.archiveProperties) {
    for (let type = c.byte(); type !== 0; type = c.byte()) c.skipData();
    id = c.byte();
  }
  if (id === NID.additionalStreamsInfo) {
    readStreamsInfo(c);
    id = c.byte();
  }
  let main: StreamsInfo = { packPos: 0, packSizes: [], folders: [] };
  if (id === NID.mainStreamsInfo) {
    main = readStreamsInfo(c);
    id = c.byte();
  }
  archive.folders = main.folders;
  archive.packSizes = main.packSizes;
  let at = SIGNATURE_HEADER_BYTES + main.packPos;
  archive.packOffsets = main.packSizes.map((s) => {
    const o = at;
    at += s;
    return o;
  });
  if (id === NID.filesInfo) {
    archive.files = readFilesInfo(c, main.folders);
    id = c.byte();
  } else {
    archive.files = readFilesInfo(new Cursor(new Uint8Array([0, 0]), 0, "files"), main.folders);
  }
  if (id !== NID.end) c.fail(`unexpected property 0x${id.toString(16)} at the end of the header`);
}

/** Decodes the packed header: folder 0 of the encoded header's streams, checked against its CRC. */
async function decodeHeaderFolder(source: ByteSource, info: StreamsInfo, notes: CodecNote[], opts: { now?: () => number; deadline?: number }): Promise<Uint8Array> {
  const folder = info.folders[0];
  if (!folder) throw new HeaderError({ code: "corrupt", message: "7z encoded header has no folder", offset: 0 });
  const plan = planFolder(folder);
  const packOffset = SIGNATURE_HEADER_BYTES + info.packPos;
  if ("code" in plan) {
    const message = plan.code === "encrypted" ? "7z header is encrypted (-mhe): file names and contents cannot be scanned" : plan.message;
    throw new HeaderError({ code: plan.code, message, offset: packOffset });
  }
  const size = folder.unpackSizes[folder.mainOut]!;
  if (size > MAX_7Z_HEADER_BYTES) throw new HeaderError({ code: "limit-exceeded", message: `7z decoded header of ${size} bytes exceeds limit ${MAX_7Z_HEADER_BYTES}`, offset: packOffset, limit: "MAX_7Z_HEADER_BYTES" });
  const bytes = new Uint8Array(size);
  let filled = 0;
  const ctl: DecodeControl = {
    onOutput: (chunk) => {
      if (filled + chunk.length > size) return false;
      bytes.set(chunk, filled);
      filled += chunk.length;
      return true;
    },
    maxOutput: size,
  };
  if (opts.now) ctl.now = opts.now;
  if (opts.deadline !== undefined) ctl.deadline = opts.deadline;
  const r = await decodeFolder(source, folder, { packOffset, packSize: info.packSizes[0] ?? 0, sink: new Output(ctl), notes });
  if (r.status === "failed") throw new HeaderError({ ...r.defect!, message: `Cannot decode 7z header: ${r.defect!.message}` });
  if (r.status === "stopped" || filled !== size) throw new HeaderError({ code: "corrupt", message: `7z encoded header decodes past its declared ${size} bytes`, offset: packOffset });
  if (folder.unpackCrc !== undefined && crc32(bytes) !== folder.unpackCrc) throw new HeaderError({ code: "crc-mismatch", message: "7z decoded header CRC does not match", offset: packOffset });
  return bytes;
}

/** Receives a folder's output split into its files' substreams. */
export interface SubstreamHandler {
  /** Data of substream `k` (a view valid during the call); false stops the whole folder. */
  onData(k: number, chunk: Uint8Array): boolean;
  /** Substream `k` is complete; `crcOk` is undefined when the archive records no CRC for it. */
  onEnd(k: number, crcOk: boolean | undefined): void;
}

export interface FolderExtraction {
  status: "done" | "stopped" | "failed";
  defect?: CodecDefect;
  /** Folder output bytes produced (all substreams). */
  produced: number;
  notes: CodecNote[];
}

/**
 * Decodes folder `opts.folder` and hands its output to `handler`, substream by substream,
 * checking each substream's CRC. `maxOutput` bounds the whole folder.
 *
 * @example
 * await extractFolder(source, archive, { folder: 0, handler, maxOutput: 1 << 30 });
 */
export async function extractFolder(source: ByteSource, archive: SevenZipArchive, opts: { folder: number; handler: SubstreamHandler; maxOutput: number; now?: () => number; deadline?: number }): Promise<FolderExtraction> {
  const folder = archive.folders[opts.folder]!;
  const subs = folder.substreams;
  let k = 0;
  let left = subs[0]?.size ?? 0;
  let crc = 0;
  const finished = (): void => {
    const expected = subs[k]!.crc;
    opts.handler.onEnd(k, expected === undefined ? undefined : crc === expected);
    k += 1;
    crc = 0;
    left = subs[k]?.size ?? 0;
  };
  // Zero-length substreams before any data.
  while (k < subs.length && left === 0) finished();
  const ctl: DecodeControl = {
    maxOutput: opts.maxOutput,
    onOutput: (chunk) => {
      let at = 0;
      while (at < chunk.length) {
        if (k >= subs.length) return false;
        const n = Math.min(left, chunk.length - at);
        const part = chunk.subarray(at, at + n);
        if (subs[k]!.crc !== undefined) crc = crc32(part, crc);
        at += n;
        left -= n;
        if (!opts.handler.onData(k, part)) return false;
        while (k < subs.length && left === 0) finished();
      }
      return true;
    },
  };
  if (opts.now) ctl.now = opts.now;
  if (opts.deadline !== undefined) ctl.deadline = opts.deadline;
  const out = new Output(ctl);
  const notes: CodecNote[] = [];
  const packOffset = archive.packOffsets[folder.firstPackStream] ?? source.size;
  const packSize = archive.packSizes[folder.firstPackStream] ?? 0;
  const r = await decodeFolder(source, folder, { packOffset, packSize, sink: out, notes });
  const result: FolderExtraction = { status: r.status, produced: out.produced, notes };
  if (r.defect) result.defect = r.defect;
  return result;
}
