import type { FormatSniffer } from "../../core/handler.js";

export const SAFETENSORS_FORMAT = "safetensors";

/** The reference loader's MAX_HEADER_SIZE: longer headers are HeaderTooLarge (CWE-400). */
export const MAX_HEADER_BYTES = 100_000_000;

/** u64 little-endian header length N (2 ≤ N ≤ 100 MB) and a JSON header opening at byte 8. */
export const safetensorsSniffer: FormatSniffer = {
  id: SAFETENSORS_FORMAT,
  priority: 20,
  sniff(head) {
    if (head.length < 9 || head[8] !== 0x7b) return "no";
    const view = new DataView(head.buffer, head.byteOffset, 8);
    const low = view.getUint32(0, true);
    const high = view.getUint32(4, true);
    if (high === 0 && low >= 2 && low <= MAX_HEADER_BYTES) return "strong";
    // A "{" at byte 8 behind an oversized length: worth a trial, which reports HeaderTooLarge.
    return "weak";
  },
};
