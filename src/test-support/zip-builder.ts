import { deflateSync } from "fflate";
import { crc32 } from "../formats/compress/crc32.js";

/** One entry of a test archive. Every header field a hostile archive plays with can be overridden. */
export interface ZipBuildEntry {
  name: string;
  data?: Uint8Array | string;
  /** 0 stored (default), 8 deflate; any other number writes `compressed` (or `data`) as is. */
  method?: number;
  /** Bytes written as the member data instead of compressing `data`. */
  compressed?: Uint8Array;
  /** CRC-32 written in both headers (default: the real one). */
  crc?: number;
  /** General-purpose flags in both headers. */
  flags?: number;
  localFlags?: number;
  localName?: string;
  localMethod?: number;
  /** Declared sizes (both headers) instead of the real ones. */
  compressedSize?: number;
  uncompressedSize?: number;
  localCompressedSize?: number;
  externalAttr?: number;
  versionMadeBy?: number;
  extra?: Uint8Array;
  localExtra?: Uint8Array;
  /** false: write only the local header (an entry hidden from the central directory). */
  inCentral?: boolean;
  /** Write no local header and point the central entry at entry `shareLocalWith`'s header (overlap); sizes and CRC default to that entry's. */
  shareLocalWith?: number;
  /** Set flag bit 3, zero the local sizes and CRC and write a data descriptor after the data. */
  dataDescriptor?: boolean;
}

export interface ZipBuildOptions {
  /** Bytes before the first local header. */
  prepend?: Uint8Array | string;
  /** Bytes after the end record. */
  append?: Uint8Array | string;
  comment?: Uint8Array | string;
  /** Write ZIP64 extra fields and the ZIP64 end record and locator. */
  zip64?: boolean;
  /** With `prepend`: false writes offsets relative to the zip start (naive `cat`), true (default) absolute ones. */
  absoluteOffsets?: boolean;
  /** Entry count written in the end record. */
  entryCount?: number;
  /** Bytes between the central directory and the end record. */
  gapBeforeEocd?: number;
  /** Data descriptors for every entry (as streaming writers produce). */
  dataDescriptor?: boolean;
}

const enc = new TextEncoder();
const bytesOf = (v: Uint8Array | string | undefined): Uint8Array => (typeof v === "string" ? enc.encode(v) : (v ?? new Uint8Array(0)));

/** Unix mode in the upper half of the external attributes, e.g. `unixAttr(0o120777)` for a symlink. */
export function unixAttr(mode: number): number {
  return (mode << 16) >>> 0;
}

class Writer {
  private parts: Uint8Array[] = [];
  length = 0;
  bytes(b: Uint8Array): this {
    this.parts.push(b);
    this.length += b.length;
    return this;
  }
  u16(v: number): this {
    return this.bytes(new Uint8Array([v & 0xff, (v >>> 8) & 0xff]));
  }
  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return this.bytes(b);
  }
  u64(v: number): this {
    return this.u32(v % 2 ** 32).u32(Math.floor(v / 2 ** 32));
  }
  done(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

interface Laid {
  e: ZipBuildEntry;
  payload: Uint8Array;
  crc: number;
  usize: number;
  csize: number;
  localOffset: number;
}

const FFFF = 0xffffffff;

/**
 * Builds a zip archive in memory, honest by default and hostile on request: one option per trick
 * (bad CRC, odd flags, name mismatch, duplicates, shared local headers, prepended and appended
 * data, ZIP64, data descriptors, hidden local entries).
 *
 * @example
 * const zip = buildZip([{ name: "archive/data.pkl", data: pickle, crc: 0xdeadbeef }]);
 */
export function buildZip(entries: readonly ZipBuildEntry[], options: ZipBuildOptions = {}): Uint8Array {
  const w = new Writer();
  const prepend = bytesOf(options.prepend);
  w.bytes(prepend);
  const base = options.absoluteOffsets === false ? prepend.length : 0;
  const z64 = options.zip64 ?? false;
  const laid: Laid[] = [];
  for (const given of entries) {
    const e = options.dataDescriptor && given.dataDescriptor === undefined ? { ...given, dataDescriptor: true } : given;
    const data = bytesOf(e.data);
    const method = e.method ?? 0;
    const payload = e.compressed ?? (method === 8 ? deflateSync(data) : data);
    const item: Laid = {
      e,
      payload,
      crc: e.crc ?? crc32(data),
      usize: e.uncompressedSize ?? data.length,
      csize: e.compressedSize ?? payload.length,
      localOffset: w.length - base,
    };
    if (e.shareLocalWith !== undefined) {
      // Same header, same data: sizes and CRC default to the shared entry's.
      const shared = laid[e.shareLocalWith]!;
      Object.assign(item, { localOffset: shared.localOffset, crc: e.crc ?? shared.crc, usize: e.uncompressedSize ?? shared.usize, csize: e.compressedSize ?? shared.csize });
    } else {
      writeLocal(w, item, z64);
    }
    laid.push(item);
  }
  const cdStart = w.length;
  let count = 0;
  for (const item of laid) {
    if (item.e.inCentral === false) continue;
    writeCentral(w, item, z64);
    count++;
  }
  const cdSize = w.length - cdStart;
  w.bytes(new Uint8Array(options.gapBeforeEocd ?? 0));
  const entryCount = options.entryCount ?? count;
  if (z64) {
    const recordOffset = w.length - base;
    // APPNOTE 4.3.14 ZIP64 end of central directory record, then 4.3.15 locator
    w.u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0).u64(entryCount).u64(entryCount).u64(cdSize).u64(cdStart - base);
    w.u32(0x07064b50).u32(0).u64(recordOffset).u32(1);
  }
  const comment = bytesOf(options.comment);
  // APPNOTE 4.3.16 end of central directory record
  w.u32(0x06054b50).u16(0).u16(0);
  w.u16(z64 ? 0xffff : entryCount).u16(z64 ? 0xffff : entryCount);
  w.u32(z64 ? FFFF : cdSize).u32(z64 ? FFFF : cdStart - base);
  w.u16(comment.length).bytes(comment);
  w.bytes(bytesOf(options.append));
  return w.done();
}

function nameFlags(name: Uint8Array): number {
  return name.some((b) => b >= 0x80) ? 0x0800 : 0;
}

/** APPNOTE 4.3.7 local file header, data, and 4.3.9 data descriptor. */
function writeLocal(w: Writer, item: Laid, z64: boolean): void {
  const { e } = item;
  const name = enc.encode(e.localName ?? e.name);
  const dd = e.dataDescriptor ?? false;
  const flags = (e.localFlags ?? e.flags ?? nameFlags(name)) | (dd ? 0x0008 : 0);
  const csize = e.localCompressedSize ?? item.csize;
  const extra = e.localExtra ?? (z64 ? new Writer().u16(1).u16(16).u64(item.usize).u64(csize).done() : new Uint8Array(0));
  w.u32(0x04034b50).u16(z64 ? 45 : 20).u16(flags).u16(e.localMethod ?? e.method ?? 0).u16(0).u16(0);
  w.u32(dd ? 0 : item.crc);
  w.u32(dd ? 0 : z64 ? FFFF : csize).u32(dd ? 0 : z64 ? FFFF : item.usize);
  w.u16(name.length).u16(extra.length).bytes(name).bytes(extra);
  w.bytes(item.payload);
  if (dd) {
    w.u32(0x08074b50).u32(item.crc);
    if (z64) w.u64(item.csize).u64(item.usize);
    else w.u32(item.csize).u32(item.usize);
  }
}

/** APPNOTE 4.3.12 central directory file header. */
function writeCentral(w: Writer, item: Laid, z64: boolean): void {
  const { e } = item;
  const name = enc.encode(e.name);
  const flags = (e.flags ?? nameFlags(name)) | (e.dataDescriptor ? 0x0008 : 0);
  const extra = e.extra ?? (z64 ? new Writer().u16(1).u16(24).u64(item.usize).u64(item.csize).u64(item.localOffset).done() : new Uint8Array(0));
  const madeBy = e.versionMadeBy ?? (e.externalAttr !== undefined && e.externalAttr >>> 16 ? 0x031e : 20);
  w.u32(0x02014b50).u16(madeBy).u16(z64 ? 45 : 20).u16(flags).u16(e.method ?? 0).u16(0).u16(0);
  w.u32(item.crc).u32(z64 ? FFFF : item.csize).u32(z64 ? FFFF : item.usize);
  w.u16(name.length).u16(extra.length).u16(0).u16(0).u16(0).u32(e.externalAttr ?? 0);
  w.u32(z64 ? FFFF : item.localOffset);
  w.bytes(name).bytes(extra);
}
