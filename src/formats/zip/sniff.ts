import type { FormatSniffer, SniffHint, SniffStrength } from "../../core/handler.js";
import { u16, u32 } from "./bytes.js";
import { CENTRAL_HEADER_SIZE, EOCD_SIZE } from "./records.js";

const LOCAL = [0x50, 0x4b, 0x03, 0x04];
const EOCD = [0x50, 0x4b, 0x05, 0x06];

function at(head: Uint8Array, offset: number, sig: readonly number[]): boolean {
  return sig.every((b, i) => head[offset + i] === b);
}

function contains(head: Uint8Array, sig: readonly number[]): boolean {
  for (let i = head.indexOf(sig[0] as number, 1); i !== -1 && i + sig.length <= head.length; i = head.indexOf(sig[0] as number, i + 1)) {
    if (at(head, i, sig)) return true;
  }
  return false;
}

/**
 * Strong on a local header (or empty-archive end record) at offset 0; a tail claim (tried after
 * every head claim) on a plausible end record that ends the file, wherever the archive starts: Python's zipfile and miniz find a zip by
 * its end record in the last 65,557 bytes, so a zip behind any amount of prepended data is a zip
 * to them. Weak when such a record is followed by other bytes (a zip stored inside a tar: the tar
 * is the file, the zip its member) or when a zip signature appears later in the head. A weak match
 * that turns out to have no zip structure is dropped (analyze returns undefined).
 */
export function sniffZip(head: Uint8Array, hint: SniffHint): SniffStrength {
  if (at(head, 0, LOCAL) || at(head, 0, EOCD)) return "strong";
  const end = hint.tail ? endRecordInTail(hint.tail, hint.size) : "none";
  if (end === "ends-file") return "tail";
  return end === "inside" || contains(head, LOCAL) || contains(head, EOCD) ? "weak" : "no";
}

/**
 * The search zipfile's `_EndRecData` makes: the last "PK\x05\x06" whose 22-byte record fits,
 * kept only when it is plausible (APPNOTE 4.3.16: the central directory it declares fits before
 * it, or the fields are ZIP64 placeholders). Linear in the tail.
 */
function endRecordInTail(tail: Uint8Array, size: number): "ends-file" | "inside" | "none" {
  const tailStart = size - tail.length;
  // lastIndexOf reads a negative start from the end: a tail shorter than a record has none.
  const last = tail.length - EOCD_SIZE;
  for (let i = last < 0 ? -1 : tail.lastIndexOf(0x50, last); i >= 0; i = i === 0 ? -1 : tail.lastIndexOf(0x50, i - 1)) {
    if (!at(tail, i, EOCD)) continue;
    const cdSize = u32(tail, i + 12);
    const cdOffset = u32(tail, i + 16);
    const entries = u16(tail, i + 10);
    const zip64 = cdSize === 0xffffffff || cdOffset === 0xffffffff || entries === 0xffff;
    const eocdAt = tailStart + i;
    const plausible = zip64 || (cdSize <= eocdAt && (entries > 0 || cdSize === 0) && cdSize >= entries * CENTRAL_HEADER_SIZE);
    if (!plausible) return "none";
    return i + EOCD_SIZE + u16(tail, i + 20) === tail.length ? "ends-file" : "inside";
  }
  return "none";
}

export const zipSniffer: FormatSniffer = { id: "zip", priority: 10, sniff: sniffZip };
