import type { ByteWindow } from "../compress/byte-window.js";
import { u32 } from "./bytes.js";
import { LOCAL_HEADER_SIZE, SIG_CENTRAL, SIG_DATA_DESCRIPTOR, SIG_EOCD, SIG_LOCAL, headerFrom, parseLocalFixed } from "./records.js";
import type { ZipHeader } from "./types.js";

/** Bytes searched for the next signature after an entry whose size only a data descriptor knows (CWE-834). */
export const MAX_SIGNATURE_SCAN_BYTES = 16 * 1024 * 1024;

/** APPNOTE 4.4.4 bit 3: sizes and CRC follow the data in a data descriptor. */
export const FLAG_DATA_DESCRIPTOR = 0x0008;

/** A local header, where its data starts (miniz's rule), and how long a streaming reader takes the data to be. */
export interface LocalStep {
  header: ZipHeader;
  dataOffset: number;
  dataLength: number;
  /** Where the length came from: the local header, the central directory, or a scan for the next signature. */
  lengthFrom: "local" | "central" | "scan";
  /** Offset after the data (and data descriptor): where a streaming reader expects the next header. */
  next: number;
}

/** Reads the local header at `offset` (APPNOTE 4.3.7), or undefined when there is none. */
export async function readLocalHeader(w: ByteWindow, offset: number): Promise<ZipHeader | undefined> {
  const fixedBytes = await w.read(offset, LOCAL_HEADER_SIZE);
  if (!fixedBytes || u32(fixedBytes, 0) !== SIG_LOCAL) return undefined;
  const fixed = parseLocalFixed(fixedBytes);
  const vars = await w.read(offset + LOCAL_HEADER_SIZE, fixed.nameLength + fixed.extraLength);
  if (!vars) return undefined;
  return headerFrom(fixed, { offset, nameBytes: vars.subarray(0, fixed.nameLength), extra: vars.subarray(fixed.nameLength) });
}

/**
 * Follows one local header to where the next should be. `centralSize` is the compressed size a
 * central entry gives for this offset, used when the local header defers sizes to a descriptor.
 */
export async function stepLocal(w: ByteWindow, header: ZipHeader, { centralSize }: { centralSize: number | undefined }): Promise<LocalStep> {
  const dataOffset = header.offset + LOCAL_HEADER_SIZE + header.nameRaw.length + header.extraLength;
  const deferred = (header.flags & FLAG_DATA_DESCRIPTOR) !== 0 && header.compressedSize === 0;
  let dataLength = header.compressedSize;
  let lengthFrom: LocalStep["lengthFrom"] = "local";
  if (deferred && centralSize !== undefined) {
    dataLength = centralSize;
    lengthFrom = "central";
  } else if (deferred) {
    dataLength = (await scanForSignature(w, dataOffset)) - dataOffset;
    lengthFrom = "scan";
  }
  let next = dataOffset + dataLength;
  if (header.flags & FLAG_DATA_DESCRIPTOR) next = await skipDataDescriptor(w, next, header.zip64);
  return { header, dataOffset, dataLength, lengthFrom, next };
}

/** APPNOTE 4.3.9: optional signature, CRC-32, then compressed and uncompressed sizes (8 bytes each for ZIP64). */
async function skipDataDescriptor(w: ByteWindow, at: number, zip64: boolean): Promise<number> {
  const sig = await w.read(at, 4);
  const base = sig && u32(sig, 0) === SIG_DATA_DESCRIPTOR ? at + 4 : at;
  return base + 4 + (zip64 ? 16 : 8);
}

const NEXT_SIGNATURES = new Set([SIG_DATA_DESCRIPTOR, SIG_LOCAL, SIG_CENTRAL, SIG_EOCD]);

/** Offset of the next zip signature after `from`, or the end of the scanned range. */
async function scanForSignature(w: ByteWindow, from: number): Promise<number> {
  const end = Math.min(w.size, from + MAX_SIGNATURE_SCAN_BYTES);
  const chunk = 64 * 1024;
  for (let pos = from; pos < end; pos += chunk - 3) {
    const b = await w.read(pos, Math.min(chunk, end - pos));
    if (!b) break;
    for (let i = 0; i + 4 <= b.length; i++) {
      if (b[i] === 0x50 && b[i + 1] === 0x4b && NEXT_SIGNATURES.has(u32(b, i))) return pos + i;
    }
    if (b.length < chunk) break;
  }
  return end;
}
