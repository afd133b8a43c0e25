import type { FormatSniffer, SniffHint, SniffStrength } from "../../core/handler.js";
import { BLOCK } from "./header.js";
import { isValidHeader } from "./scan-blocks.js";

const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72];

/** Strong on the ustar magic at offset 257 (POSIX "ustar\0" or GNU "ustar "), weak on a valid v7 header checksum. */
export function sniffTar(head: Uint8Array, _hint: SniffHint): SniffStrength {
  if (head.length < BLOCK) return "no";
  // The magic field starts with "ustar" (compared as bytes: decoding them gives the same answer).
  if (USTAR.every((b, i) => head[257 + i] === b)) return "strong";
  return isValidHeader(head.subarray(0, BLOCK)) ? "weak" : "no";
}

export const tarSniffer: FormatSniffer = { id: "tar", priority: 10, sniff: sniffTar };
