/**
 * 7z header structures (7-Zip DOC/7zFormat.txt): property IDs, StreamsInfo (pack info, folders
 * and coders, substreams) and FilesInfo. The grammar has a fixed depth; every count is checked
 * against its limit and against the bytes left before anything is allocated.
 */
import { MAX_7Z_CODERS, MAX_7Z_CODER_PROPS_BYTES, MAX_7Z_CODER_STREAMS, MAX_7Z_FILES, MAX_7Z_FOLDERS, MAX_7Z_PACK_STREAMS } from "./limits.js";
import type { CodecDefect } from "./types.js";

/** Property IDs (7zFormat.txt "Property IDs"). */
export const NID = {
  end: 0x00,
  header: 0x01,
  archiveProperties: 0x02,
  additionalStreamsInfo: 0x03,
  mainStreamsInfo: 0x04,
  filesInfo: 0x05,
  packInfo: 0x06,
  unpackInfo: 0x07,
  substreamsInfo: 0x08,
  size: 0x09,
  crc: 0x0a,
  folder: 0x0b,
  codersUnpackSize: 0x0c,
  numUnpackStream: 0x0d,
  emptyStream: 0x0e,
  emptyFile: 0x0f,
  anti: 0x10,
  name: 0x11,
  winAttributes: 0x15,
  encodedHeader: 0x17,
  dummy: 0x19,
} as const;

export interface SevenZipCoder {
  /** Codec ID in hex, e.g. "030101" (LZMA), "21" (LZMA2), "06f10701" (AES). */
  id: string;
  /** Human name of the method ("LZMA", "BCJ", "AES-256", or the hex ID). */
  method: string;
  numIn: number;
  numOut: number;
  props: Uint8Array;
}

export interface SevenZipSubstream {
  size: number;
  crc?: number;
}

export interface SevenZipFolder {
  coders: SevenZipCoder[];
  /** Coder input `inIndex` is fed by coder output `outIndex` (folder-wide stream numbering). */
  bindPairs: { inIndex: number; outIndex: number }[];
  /** Folder-wide input stream numbers fed by packed streams, in pack order. */
  packedStreams: number[];
  /** Index of the folder's first packed stream in the archive's pack streams. */
  firstPackStream: number;
  /** Size of every coder output stream (folder-wide numbering). */
  unpackSizes: number[];
  /** The folder output: the one coder output no bind pair consumes. */
  mainOut: number;
  unpackCrc?: number;
  substreams: SevenZipSubstream[];
}

export interface StreamsInfo {
  packPos: number;
  packSizes: number[];
  folders: SevenZipFolder[];
}

export interface SevenZipFileInfo {
  index: number;
  name: string;
  /** The file has data in a folder (not an empty stream). */
  hasStream: boolean;
  isDirectory: boolean;
  isAnti: boolean;
  size: number;
  crc?: number;
  /** Windows attributes; 0x8000 set means the high 16 bits are a Unix st_mode. */
  attributes?: number;
  folder?: number;
  /** Index of the file's substream inside its folder. */
  substream?: number;
}

/** A header parse failure; caught in sevenzip.ts and returned as a defect. */
export class HeaderError extends Error {
  constructor(readonly defect: CodecDefect) {
    super(defect.message);
  }
}

const METHODS: Record<string, string> = {
  "00": "Copy",
  "030101": "LZMA",
  "21": "LZMA2",
  "040202": "BZip2",
  "040108": "Deflate",
  "040109": "Deflate64",
  "030401": "PPMD",
  "03030103": "BCJ",
  "0303011b": "BCJ2",
  "03030205": "PPC",
  "03030401": "IA64",
  "03030501": "ARM",
  "03030701": "ARMT",
  "03030805": "SPARC",
  "0a": "ARM64",
  "0b": "RISCV",
  "03": "Delta",
  "06f10701": "AES-256",
};

export function methodName(id: string): string {
  return METHODS[id] ?? `method ${id}`;
}

/** Reads header bytes; every overrun or bad value throws HeaderError with the absolute offset. */
export class Cursor {
  pos = 0;
  constructor(
    private readonly b: Uint8Array,
    /** Where b[0] is in the archive (0 inside a decoded header, which has no archive offset). */
    private readonly base: number,
    private readonly where: string,
    private readonly end = b.length,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string, code: CodecDefect["code"] = "corrupt"): never {
    throw new HeaderError({ code, message: `Cannot read 7z ${this.where}: ${message}`, offset: this.base + this.pos });
  }

  byte(): number {
    if (this.pos >= this.end) this.fail("it ends early", "truncated");
    return this.b[this.pos++]!;
  }

  bytes(n: number): Uint8Array {
    if (n > this.remaining) this.fail(`${n} bytes declared, ${this.remaining} left`, "truncated");
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  u32(): number {
    const v = this.bytes(4);
    return (v[0]! | (v[1]! << 8) | (v[2]! << 16) | (v[3]! << 24)) >>> 0;
  }

  /** 7z NUMBER: the leading one bits of the first byte count the extra little-endian bytes. */
  number(): number {
    const first = this.byte();
    let value = 0;
    let mask = 0x80;
    for (let i = 0; i < 8; i++) {
      if ((first & mask) === 0) {
        value += (first & (mask - 1)) * 2 ** (8 * i);
        return this.safe(value);
      }
      value += this.byte() * 2 ** (8 * i);
      mask >>>= 1;
    }
    return this.safe(value);
  }

  /** A count, at most `limit` (named) and at most the bytes left (each item takes at least one). */
  count(what: string, limit: number, limitName: string, perItemBits = 8): number {
    const n = this.number();
    if (n > limit) throw new HeaderError({ code: "limit-exceeded", message: `Cannot read 7z ${this.where}: ${n} ${what} exceeds limit ${limit}`, offset: this.base + this.pos, limit: limitName });
    if (perItemBits > 0 && Math.ceil((n * perItemBits) / 8) > this.remaining) this.fail(`${n} ${what} cannot fit in the ${this.remaining} bytes left`, "truncated");
    return n;
  }

  /** `n` bits, most significant first. */
  bits(n: number): boolean[] {
    const raw = this.bytes(Math.ceil(n / 8));
    const out = new Array<boolean>(n);
    for (let i = 0; i < n; i++) out[i] = (raw[i >>> 3]! & (0x80 >>> (i & 7))) !== 0;
    return out;
  }

  /** AllAreDefined byte, else a bit vector. */
  defined(n: number): boolean[] {
    return this.byte() !== 0 ? new Array<boolean>(n).fill(true) : this.bits(n);
  }

  /** Digests: defined vector plus a CRC per defined item. */
  digests(n: number): (number | undefined)[] {
    const def = this.defined(n);
    return def.map((d) => (d ? this.u32() : undefined));
  }

  /** Skips a property's data: a size then that many bytes. */
  skipData(): void {
    this.bytes(this.number());
  }

  expect(id: number, what: string): void {
    const got = this.byte();
    if (got !== id) this.fail(`expected ${what} (0x${id.toString(16)}), found 0x${got.toString(16)}`);
  }

  private safe(v: number): number {
    if (!Number.isSafeInteger(v)) throw new HeaderError({ code: "limit-exceeded", message: `Cannot read 7z ${this.where}: number ${v} is past 2^53`, offset: this.base + this.pos, limit: "Number.MAX_SAFE_INTEGER" });
    return v;
  }
}

/** StreamsInfo (7zFormat.txt): PackInfo, UnpackInfo (folders), SubStreamsInfo. */
export function readStreamsInfo(c: Cursor): StreamsInfo {
  const info: StreamsInfo = { packPos: 0, packSizes: [], folders: [] };
  let id = c.byte();
  if (id === NID.packInfo) {
    readPackInfo(c, info);
    id = c.byte();
  }
  if (id === NID.unpackInfo) {
    readUnpackInfo(c, info);
    id = c.byte();
  }
  let substreamsRead = false;
  if (id === NID.substreamsInfo) {
    readSubstreams(c, info.folders);
    substreamsRead = true;
    id = c.byte();
  }
  if (!substreamsRead) {
    for (const f of info.folders) f.substreams = [f.unpackCrc === undefined ? { size: f.unpackSizes[f.mainOut]! } : { size: f.unpackSizes[f.mainOut]!, crc: f.unpackCrc }];
  }
  if (id !== NID.end) c.fail(`unexpected property 0x${id.toString(16)} in streams info`);
  let pack = 0;
  for (const f of info.folders) {
    f.firstPackStream = pack;
    pack += f.packedStreams.length;
  }
  if (pack > info.packSizes.length) c.fail(`folders use ${pack} packed streams, the pack info lists ${info.packSizes.length}`);
  return info;
}

function readPackInfo(c: Cursor, info: StreamsInfo): void {
  info.packPos = c.number();
  const n = c.count("packed streams", MAX_7Z_PACK_STREAMS, "MAX_7Z_PACK_STREAMS", 0);
  for (;;) {
    const id = c.byte();
    if (id === NID.end) break;
    if (id === NID.size) {
      if (n > c.remaining) c.fail(`${n} packed stream sizes cannot fit in the ${c.remaining} bytes left`, "truncated");
      info.packSizes = Array.from({ length: n }, () => c.number());
    } else if (id === NID.crc) {
      c.digests(n);
    } else {
      c.skipData();
    }
  }
  if (info.packSizes.length !== n) c.fail("pack info has no sizes");
}

function readUnpackInfo(c: Cursor, info: StreamsInfo): void {
  c.expect(NID.folder, "kFolder");
  const n = c.count("folders", MAX_7Z_FOLDERS, "MAX_7Z_FOLDERS");
  if (c.byte() !== 0) c.fail("folders stored in an additional stream are not supported", "unsupported");
  for (let i = 0; i < n; i++) info.folders.push(readFolder(c));
  c.expect(NID.codersUnpackSize, "kCodersUnpackSize");
  for (const f of info.folders) {
    const outs = f.coders.reduce((s, k) => s + k.numOut, 0);
    for (let k = 0; k < outs; k++) f.unpackSizes.push(c.number());
  }
  for (;;) {
    const id = c.byte();
    if (id === NID.end) break;
    if (id === NID.crc) {
      const crcs = c.digests(n);
      crcs.forEach((crc, i) => {
        if (crc !== undefined) info.folders[i]!.unpackCrc = crc;
      });
    } else {
      c.skipData();
    }
  }
}

function readFolder(c: Cursor): SevenZipFolder {
  const numCoders = c.count("coders", MAX_7Z_CODERS, "MAX_7Z_CODERS");
  if (numCoders === 0) c.fail("folder has no coders");
  const coders: SevenZipCoder[] = [];
  let totalIn = 0;
  let totalOut = 0;
  for (let i = 0; i < numCoders; i++) {
    const flags = c.byte();
    if (flags & 0x80) c.fail("alternative coder methods are not supported", "unsupported");
    const id = [...c.bytes(flags & 0x0f)].map((b) => b.toString(16).padStart(2, "0")).join("");
    let numIn = 1;
    let numOut = 1;
    if (flags & 0x10) {
      numIn = c.count("coder input streams", MAX_7Z_CODER_STREAMS, "MAX_7Z_CODER_STREAMS", 0);
      numOut = c.count("coder output streams", MAX_7Z_CODER_STREAMS, "MAX_7Z_CODER_STREAMS", 0);
    }
    let props: Uint8Array = new Uint8Array(0);
    if (flags & 0x20) {
      const size = c.count("coder property bytes", MAX_7Z_CODER_PROPS_BYTES, "MAX_7Z_CODER_PROPS_BYTES");
      props = c.bytes(size);
    }
    totalIn += numIn;
    totalOut += numOut;
    if (totalIn > MAX_7Z_CODER_STREAMS || totalOut > MAX_7Z_CODER_STREAMS) {
      throw new HeaderError({ code: "limit-exceeded", message: `Cannot read 7z folder: more than ${MAX_7Z_CODER_STREAMS} coder streams`, limit: "MAX_7Z_CODER_STREAMS" });
    }
    coders.push({ id, method: methodName(id), numIn, numOut, props });
  }
  if (totalOut === 0) c.fail("folder coders have no output streams");
  const bindPairs: { inIndex: number; outIndex: number }[] = [];
  for (let i = 0; i < totalOut - 1; i++) {
    const inIndex = c.number();
    const outIndex = c.number();
    if (inIndex >= totalIn || outIndex >= totalOut) c.fail(`bind pair ${inIndex}->${outIndex} is out of range`);
    bindPairs.push({ inIndex, outIndex });
  }
  const numPacked = totalIn - bindPairs.length;
  if (numPacked < 1) c.fail("folder has no packed stream");
  const packedStreams: number[] = [];
  if (numPacked === 1) {
    for (let k = 0; k < totalIn; k++) {
      if (!bindPairs.some((bp) => bp.inIndex === k)) {
        packedStreams.push(k);
        break;
      }
    }
    if (packedStreams.length === 0) c.fail("every coder input is bound; none reads a packed stream");
  } else {
    for (let k = 0; k < numPacked; k++) {
      const idx = c.number();
      if (idx >= totalIn) c.fail(`packed stream index ${idx} is out of range`);
      packedStreams.push(idx);
    }
  }
  const unbound = [...Array(totalOut).keys()].filter((k) => !bindPairs.some((bp) => bp.outIndex === k));
  if (unbound.length !== 1) c.fail(`folder has ${unbound.length} unbound outputs, not one`);
  return { coders, bindPairs, packedStreams, firstPackStream: 0, unpackSizes: [], mainOut: unbound[0]!, substreams: [] };
}

function readSubstreams(c: Cursor, folders: SevenZipFolder[]): void {
  const counts = folders.map(() => 1);
  let id = c.byte();
  if (id === NID.numUnpackStream) {
    let total = 0;
    for (let i = 0; i < folders.length; i++) {
      counts[i] = c.count("substreams", MAX_7Z_FILES, "MAX_7Z_FILES", 0);
      total += counts[i]!;
      if (total > MAX_7Z_FILES) throw new HeaderError({ code: "limit-exceeded", message: `Cannot read 7z substreams: more than ${MAX_7Z_FILES} in all`, limit: "MAX_7Z_FILES" });
    }
    id = c.byte();
  }
  for (let i = 0; i < folders.length; i++) {
    const f = folders[i]!;
    const n = counts[i]!;
    const folderSize = f.unpackSizes[f.mainOut]!;
    f.substreams = [];
    if (n === 0) continue;
    if (n > 1 && id !== NID.size) c.fail(`folder ${i} has ${n} substreams but no sizes`);
    let sum = 0;
    for (let k = 0; k < n - 1; k++) {
      const size = c.number();
      sum += size;
      f.substreams.push({ size });
    }
    if (sum > folderSize) c.fail(`substream sizes of folder ${i} add up to ${sum}, more than its ${folderSize} bytes`);
    f.substreams.push({ size: folderSize - sum });
  }
  if (id === NID.size) id = c.byte();
  for (;;) {
    if (id === NID.end) break;
    if (id === NID.crc) {
      const unknown: SevenZipSubstream[] = [];
      for (const f of folders) {
        if (f.substreams.length === 1 && f.unpackCrc !== undefined) f.substreams[0]!.crc = f.unpackCrc;
        else unknown.push(...f.substreams);
      }
      const crcs = c.digests(unknown.length);
      crcs.forEach((crc, k) => {
        if (crc !== undefined) unknown[k]!.crc = crc;
      });
    } else {
      c.skipData();
    }
    id = c.byte();
  }
  for (const f of folders) if (f.substreams.length === 1 && f.unpackCrc !== undefined && f.substreams[0]!.crc === undefined) f.substreams[0]!.crc = f.unpackCrc;
}

/** FilesInfo: names, empty streams/files, anti items, attributes; the rest is skipped by size. */
export function readFilesInfo(c: Cursor, folders: SevenZipFolder[]): SevenZipFileInfo[] {
  const numFiles = c.count("files", MAX_7Z_FILES, "MAX_7Z_FILES", 0);
  let emptyStream: boolean[] = new Array<boolean>(numFiles).fill(false);
  let emptyFile: boolean[] = [];
  let anti: boolean[] = [];
  let names: string[] | undefined;
  let attributes: (number | undefined)[] = [];
  for (;;) {
    const type = c.number();
    if (type === NID.end) break;
    const size = c.number();
    if (size > c.remaining) c.fail(`file property 0x${type.toString(16)} declares ${size} bytes, ${c.remaining} left`, "truncated");
    const sub = new Cursor(c.bytes(size), 0, "file properties");
    switch (type) {
      case NID.emptyStream:
        emptyStream = sub.bits(numFiles);
        break;
      case NID.emptyFile:
        emptyFile = sub.bits(emptyStream.filter(Boolean).length);
        break;
      case NID.anti:
        anti = sub.bits(emptyStream.filter(Boolean).length);
        break;
      case NID.name:
        if (sub.byte() !== 0) sub.fail("file names stored in an additional stream are not supported", "unsupported");
        names = decodeNames(sub, numFiles);
        break;
      case NID.winAttributes: {
        const def = sub.defined(numFiles);
        if (sub.byte() !== 0) sub.fail("attributes stored in an additional stream are not supported", "unsupported");
        attributes = def.map((d) => (d ? sub.u32() : undefined));
        break;
      }
      default:
        // Times, start positions, dummy padding: not needed to scan.
        break;
    }
  }
  const streams: { folder: number; substream: number; info: SevenZipSubstream }[] = [];
  folders.forEach((f, fi) => f.substreams.forEach((s, si) => streams.push({ folder: fi, substream: si, info: s })));
  const files: SevenZipFileInfo[] = [];
  let nextStream = 0;
  let emptyIndex = 0;
  for (let i = 0; i < numFiles; i++) {
    const name = names?.[i] ?? "";
    const attr = attributes[i];
    const file: SevenZipFileInfo = { index: i, name, hasStream: !emptyStream[i], isDirectory: false, isAnti: false, size: 0 };
    if (attr !== undefined) file.attributes = attr;
    if (emptyStream[i]) {
      file.isDirectory = !emptyFile[emptyIndex];
      file.isAnti = anti[emptyIndex] === true;
      emptyIndex++;
    } else {
      const s = streams[nextStream++];
      if (!s) c.fail(`file ${i} has data but the folders hold only ${streams.length} streams`);
      file.folder = s.folder;
      file.substream = s.substream;
      file.size = s.info.size;
      if (s.info.crc !== undefined) file.crc = s.info.crc;
    }
    files.push(file);
  }
  // Streams no file names (a header without FilesInfo entries for them) are still scanned.
  for (; nextStream < streams.length; nextStream++) {
    const s = streams[nextStream]!;
    const file: SevenZipFileInfo = { index: files.length, name: "", hasStream: true, isDirectory: false, isAnti: false, size: s.info.size, folder: s.folder, substream: s.substream };
    if (s.info.crc !== undefined) file.crc = s.info.crc;
    files.push(file);
  }
  return files;
}

/** `n` NUL-terminated UTF-16LE names filling the property exactly. */
function decodeNames(c: Cursor, n: number): string[] {
  const raw = c.bytes(c.remaining);
  if (raw.length % 2 !== 0) c.fail("file names are not whole UTF-16 code units");
  const text = new TextDecoder("utf-16le").decode(raw);
  const parts = text.split("\u0000");
  if (parts.length !== n + 1 || parts[n] !== "") c.fail(`file names hold ${parts.length - 1} names, the archive lists ${n} files`);
  return parts.slice(0, n);
}
