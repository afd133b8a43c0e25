import type { ByteSource } from "../../core/byte-source.js";
import type { GzipHeaderInfo } from "./types.js";

/** Header bytes parsed for the report; a longer FEXTRA/FNAME/FCOMMENT is left to the decoder, which skips it (CWE-770). */
const MAX_GZIP_HEADER_BYTES = 64 * 1024;

/** RFC 1952 2.3.1 FLG bits. */
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

const latin1 = new TextDecoder("latin1");

/** True for ID1 ID2 CM = 1F 8B 08 (RFC 1952 2.3.1). */
export function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08;
}

/** Parses the first member header for the report; fields past the parsed window are left out. */
export async function readGzipHeader(source: ByteSource): Promise<GzipHeaderInfo | undefined> {
  if (source.size < 10) return undefined;
  const b = await source.read(0, Math.min(source.size, MAX_GZIP_HEADER_BYTES));
  const flags = b[3]!;
  // 2.3: ID1 ID2 CM FLG MTIME(4) XFL OS
  const info: GzipHeaderInfo = { flags, mtime: (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0, os: b[9]! };
  let pos = 10;
  if (flags & FEXTRA) pos += 2 + (b[pos]! | (b[pos + 1]! << 8));
  for (const [bit, key] of [
    [FNAME, "name"],
    [FCOMMENT, "comment"],
  ] as const) {
    if (!(flags & bit)) continue;
    const nul = pos < b.length ? b.indexOf(0, pos) : -1;
    if (nul < 0) return info;
    info[key] = latin1.decode(b.subarray(pos, nul));
    pos = nul + 1;
  }
  if (flags & FHCRC) pos += 2;
  if (pos <= b.length) info.dataOffset = pos;
  return info;
}
