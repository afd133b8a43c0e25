import type { ByteWindow } from "../compress/byte-window.js";
import { BLOCK, checksumMatches, isZeroBlock, numeric } from "./header.js";

/** Bytes searched for the next valid header after a damaged one, as GNU tar skips ahead (CWE-834). */
export const MAX_RESYNC_BYTES = 16 * 1024 * 1024;
/** Bytes after the end-of-archive blocks inspected for more entries or data (CWE-400). */
export const MAX_TRAILER_SCAN_BYTES = 16 * 1024 * 1024;

/** A block that a reader would accept as a header: not all zeros, checksum right, size readable. */
export function isValidHeader(b: Uint8Array): boolean {
  return !isZeroBlock(b) && checksumMatches(b) && numeric(b.subarray(124, 136)) !== undefined;
}

/** First block-aligned offset at or after `from` whose block is a valid header, within MAX_RESYNC_BYTES. */
export async function nextValidHeader(w: ByteWindow, from: number): Promise<number | undefined> {
  const end = Math.min(w.size, from + MAX_RESYNC_BYTES);
  for (let pos = from; pos + BLOCK <= end; pos += BLOCK) {
    const b = await w.read(pos, BLOCK);
    if (b && isValidHeader(b)) return pos;
  }
  return undefined;
}

/** What follows an end-of-archive block: only zero padding, another header, or other data. */
export type Trailer = { kind: "padding" } | { kind: "header"; offset: number } | { kind: "data"; offset: number; inspected: boolean };

export async function classifyTrailer(w: ByteWindow, from: number): Promise<Trailer> {
  const end = Math.min(w.size, from + MAX_TRAILER_SCAN_BYTES);
  for (let pos = from; pos < end; pos += BLOCK) {
    const b = await w.read(pos, Math.min(BLOCK, w.size - pos));
    if (!b || isZeroBlock(b)) continue;
    if (b.length === BLOCK && isValidHeader(b)) return { kind: "header", offset: pos };
    return { kind: "data", offset: pos, inspected: true };
  }
  return end < w.size ? { kind: "data", offset: end, inspected: false } : { kind: "padding" };
}
