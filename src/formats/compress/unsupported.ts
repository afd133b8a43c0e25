import { defect } from "../../core/defect.js";
import type { FormatHandler, SniffStrength } from "../../engine/types.js";
import type { CompressedDocument, CompressionFormat } from "./types.js";

const startsWith = (h: Uint8Array, sig: readonly number[], at = 0): boolean => sig.every((b, i) => h[at + i] === b);

/**
 * A wrapper we can recognise but not open. It is never skipped: the file gets a fatal defect
 * (fail closed), because a scanner that shrugs at 7z is how nullifAI got past picklescan.
 */
function unsupportedHandler(id: CompressionFormat, sniff: (head: Uint8Array) => SniffStrength, why: string): FormatHandler {
  return {
    id,
    priority: 10,
    sniff,
    async analyze(source) {
      const message = `Unsupported compression ${id}: cannot scan inside (${why})`;
      const doc: CompressedDocument = { container: id, size: source.size, anomalies: [{ code: "unsupported", message }] };
      return { format: id, document: doc, defects: [defect("unsupported", message, { offset: 0 })] };
    },
  };
}

/** bzip2: "BZh", block size 1-9, then a block or end-of-stream magic (pi or sqrt(pi) in BCD). */
export const bzip2Handler = unsupportedHandler(
  "bzip2",
  (h) =>
    startsWith(h, [0x42, 0x5a, 0x68]) && h[3]! >= 0x31 && h[3]! <= 0x39 && (startsWith(h, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 4) || startsWith(h, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90], 4))
      ? "strong"
      : "no",
  "no maintained browser-safe pure-JS bzip2 decoder",
);

/** xz: FD 37 7A 58 5A 00 (xz file format 2.1.1.1). */
export const xzHandler = unsupportedHandler("xz", (h) => (startsWith(h, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) ? "strong" : "no"), "no maintained pure-JS xz decoder");

/** 7z: 37 7A BC AF 27 1C. */
export const sevenZipHandler = unsupportedHandler(
  "7z",
  (h) => (startsWith(h, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) ? "strong" : "no"),
  "no safe, permissively licensed 7z reader; extract it and scan the contents",
);
