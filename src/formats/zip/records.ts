import { u16, u32, u64 } from "./bytes.js";
import { decodeName, decodeUtf8 } from "./names.js";
import type { ZipHeader } from "./types.js";

/** APPNOTE.TXT 6.3.10 signatures. */
export const SIG_LOCAL = 0x04034b50; // "PK\x03\x04"
export const SIG_CENTRAL = 0x02014b50; // "PK\x01\x02"
export const SIG_EOCD = 0x06054b50; // "PK\x05\x06"
export const SIG_ZIP64_EOCD = 0x06064b50; // "PK\x06\x06"
export const SIG_ZIP64_LOCATOR = 0x07064b50; // "PK\x06\x07"
export const SIG_DATA_DESCRIPTOR = 0x08074b50; // "PK\x07\x08"

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_LOCATOR_SIZE = 20;
export const ZIP64_EOCD_SIZE = 56;

/** A 32-bit size/offset field of 0xFFFFFFFF means "see the ZIP64 extra field" (4.4.8, 4.5.3). */
const U32_MAX = 0xffffffff;

/** Fixed part of a local file header (APPNOTE 4.3.7). */
export interface LocalFixed {
  versionNeeded: number;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  nameLength: number;
  extraLength: number;
}

export function parseLocalFixed(b: Uint8Array): LocalFixed {
  return {
    versionNeeded: u16(b, 4), // 4.3.7 version needed to extract
    flags: u16(b, 6), // general purpose bit flag
    method: u16(b, 8), // compression method
    // 10: last mod file time, 12: last mod file date
    crc32: u32(b, 14),
    compressedSize: u32(b, 18),
    uncompressedSize: u32(b, 22),
    nameLength: u16(b, 26),
    extraLength: u16(b, 28),
  };
}

/** Fixed part of a central directory file header (APPNOTE 4.3.12). */
export interface CentralFixed extends LocalFixed {
  versionMadeBy: number;
  commentLength: number;
  diskStart: number;
  internalAttr: number;
  externalAttr: number;
  localHeaderOffset: number;
}

export function parseCentralFixed(b: Uint8Array): CentralFixed {
  return {
    versionMadeBy: u16(b, 4),
    versionNeeded: u16(b, 6),
    flags: u16(b, 8),
    method: u16(b, 10),
    // 12: last mod file time, 14: last mod file date
    crc32: u32(b, 16),
    compressedSize: u32(b, 20),
    uncompressedSize: u32(b, 24),
    nameLength: u16(b, 28),
    extraLength: u16(b, 30),
    commentLength: u16(b, 32),
    diskStart: u16(b, 34),
    internalAttr: u16(b, 36),
    externalAttr: u32(b, 38),
    localHeaderOffset: u32(b, 42),
  };
}

/** End of central directory record (APPNOTE 4.3.16). */
export interface EocdFixed {
  diskNumber: number;
  cdDisk: number;
  entriesOnDisk: number;
  entryCount: number;
  cdSize: number;
  cdOffset: number;
  commentLength: number;
}

export function parseEocd(b: Uint8Array, o: number): EocdFixed {
  return {
    diskNumber: u16(b, o + 4),
    cdDisk: u16(b, o + 6),
    entriesOnDisk: u16(b, o + 8),
    entryCount: u16(b, o + 10),
    cdSize: u32(b, o + 12),
    cdOffset: u32(b, o + 16),
    commentLength: u16(b, o + 20),
  };
}

/** ZIP64 end of central directory locator (APPNOTE 4.3.15): where the ZIP64 record is. */
export function parseZip64Locator(b: Uint8Array, o: number): { recordOffset: number | undefined; totalDisks: number } {
  // 4: disk with the ZIP64 EOCD record, 8: its offset (u64), 16: total number of disks
  return { recordOffset: u64(b, o + 8), totalDisks: u32(b, o + 16) };
}

/** ZIP64 end of central directory record (APPNOTE 4.3.14). Undefined fields did not fit 2^53. */
export interface Zip64Eocd {
  entryCount: number | undefined;
  cdSize: number | undefined;
  cdOffset: number | undefined;
}

export function parseZip64Eocd(b: Uint8Array): Zip64Eocd {
  // 4: size of record (u64), 12: version made by, 14: version needed, 16: disk, 20: disk with CD,
  // 24: entries on this disk (u64), 32: total entries (u64), 40: CD size (u64), 48: CD offset (u64)
  return { entryCount: u64(b, 32), cdSize: u64(b, 40), cdOffset: u64(b, 48) };
}

/** Extra field ids (APPNOTE 4.5.2, 4.6.9). */
const EXTRA_ZIP64 = 0x0001;
const EXTRA_UNICODE_PATH = 0x7075;

interface SizedFields {
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset?: number;
}

/**
 * Applies the ZIP64 extended information field (4.5.3) to the fields that hold 0xFFFFFFFF, in the
 * spec's order, and reads the Info-ZIP Unicode Path field. Malformed extra data is ignored the way
 * readers ignore it: field by field, stopping at the first one that does not fit.
 */
export function applyExtraFields(extra: Uint8Array, fields: SizedFields): { zip64: boolean; unicodePath?: string } {
  let zip64 = false;
  let unicodePath: string | undefined;
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = u16(extra, at);
    const size = u16(extra, at + 2);
    const body = extra.subarray(at + 4, at + 4 + size);
    if (body.length < size) break;
    if (id === EXTRA_ZIP64) {
      zip64 = true;
      let p = 0;
      const take = (): number | undefined => {
        if (p + 8 > body.length) return undefined;
        const v = u64(body, p);
        p += 8;
        return v;
      };
      if (fields.uncompressedSize === U32_MAX) fields.uncompressedSize = take() ?? fields.uncompressedSize;
      if (fields.compressedSize === U32_MAX) fields.compressedSize = take() ?? fields.compressedSize;
      if (fields.localHeaderOffset === U32_MAX) fields.localHeaderOffset = take() ?? fields.localHeaderOffset;
    } else if (id === EXTRA_UNICODE_PATH && body.length >= 5) {
      // 4.6.9: version (1), CRC-32 of the header name (4), UTF-8 name
      unicodePath = decodeUtf8(body.subarray(5));
    }
    at += 4 + size;
  }
  return unicodePath === undefined ? { zip64 } : { zip64, unicodePath };
}

/** Bytes as a string of one char per byte (names are at most 65,535 bytes); an ASCII name is its own decoded string, shared. */
function binaryString(bytes: Uint8Array, decoded: string): string {
  if (decoded.length === bytes.length && bytes.every((b) => b < 0x80)) return decoded;
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return out;
}

/** Builds a header view from a fixed part plus its name and extra bytes. */
export function headerFrom(fixed: LocalFixed | CentralFixed, { offset, nameBytes, extra }: { offset: number; nameBytes: Uint8Array; extra: Uint8Array }): ZipHeader {
  const sized: SizedFields = {
    compressedSize: fixed.compressedSize,
    uncompressedSize: fixed.uncompressedSize,
    ...("localHeaderOffset" in fixed ? { localHeaderOffset: fixed.localHeaderOffset } : {}),
  };
  const ext = applyExtraFields(extra, sized);
  const name = decodeName(nameBytes, fixed.flags);
  const header: ZipHeader = {
    offset,
    versionNeeded: fixed.versionNeeded,
    flags: fixed.flags,
    method: fixed.method,
    crc32: fixed.crc32,
    compressedSize: sized.compressedSize,
    uncompressedSize: sized.uncompressedSize,
    name,
    nameRaw: binaryString(nameBytes, name),
    extraLength: fixed.extraLength,
    zip64: ext.zip64,
  };
  if (ext.unicodePath !== undefined) header.unicodePath = ext.unicodePath;
  if ("localHeaderOffset" in fixed) {
    header.versionMadeBy = fixed.versionMadeBy;
    header.externalAttr = fixed.externalAttr;
    header.localHeaderOffset = sized.localHeaderOffset ?? fixed.localHeaderOffset;
    header.diskStart = fixed.diskStart;
  }
  return header;
}
