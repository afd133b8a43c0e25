import type { FormatSniffer, SniffHint, SniffStrength } from "../../core/handler.js";
import { BLOCK, hasUstarMagic } from "./header.js";
import { isValidHeader } from "./scan-blocks.js";

/** Strong on the ustar magic at offset 257 (POSIX "ustar\0" or GNU "ustar "), weak on a valid v7 header checksum. */
export function sniffTar(head: Uint8Array, _hint: SniffHint): SniffStrength {
  if (head.length < BLOCK) return "no";
  if (hasUstarMagic(head)) return "strong";
  return isValidHeader(head.subarray(0, BLOCK)) ? "weak" : "no";
}

export const tarSniffer: FormatSniffer = { id: "tar", priority: 10, sniff: sniffTar };
