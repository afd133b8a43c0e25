import type { FormatHandler, SniffStrength } from "../../core/handler.js";
import type { CompressedDocument } from "./types.js";
import { decodeWrapper } from "./wrapper-analysis.js";

/**
 * RFC 1950 CMF/FLG: deflate (CM 8), window at most 32 KiB (CINFO <= 7), FCHECK makes the pair a
 * multiple of 31, no preset dictionary. Two bytes are weak evidence (78 9C is common text), so
 * the match is only weak and kept only when the stream inflates.
 */
export function sniffZlib(head: Uint8Array): SniffStrength {
  if (head.length < 2) return "no";
  const cmf = head[0]!;
  const flg = head[1]!;
  const ok = (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0 && (flg & 0x20) === 0;
  return ok ? "weak" : "no";
}

/**
 * zlib streams (joblib's default compressor, `torch` legacy `.z` wrappers).
 *
 * @example
 * const analysis = await zlibHandler.analyze(source, ctx);
 */
export const zlibHandler: FormatHandler = {
  id: "zlib",
  priority: 5,
  sniff: (head) => sniffZlib(head),
  async analyze(source, ctx) {
    const doc: CompressedDocument = { container: "zlib", size: source.size, anomalies: [] };
    const r = await decodeWrapper(source, ctx, { codec: "zlib", doc });
    if (r.outcome.status === "corrupt" && r.outcome.bytes.length === 0) return undefined;
    return r.analysis;
  },
};
