import type { FormatHandler } from "../../core/handler.js";
import type { CompressedDocument } from "./types.js";
import { decodeWrapper } from "./wrapper-analysis.js";

const startsWith = (h: Uint8Array, sig: readonly number[]): boolean => sig.every((b, i) => h[i] === b);

/**
 * LZ4 frames (04 22 4D 18, joblib's `lz4` compressor) and legacy frames (02 21 4C 18), decoded by
 * our own bounded LZ4 decoder.
 *
 * @example
 * const analysis = await lz4Handler.analyze(source, ctx);
 */
export const lz4Handler: FormatHandler = {
  id: "lz4",
  priority: 10,
  sniff: (head) => (startsWith(head, [0x04, 0x22, 0x4d, 0x18]) || startsWith(head, [0x02, 0x21, 0x4c, 0x18]) ? "strong" : "no"),
  async analyze(source, ctx) {
    const doc: CompressedDocument = { container: "lz4", size: source.size, anomalies: [] };
    return (await decodeWrapper(source, ctx, { codec: "lz4", doc })).analysis;
  },
};
