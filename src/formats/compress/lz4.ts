import type { FormatHandler } from "../../core/handler.js";
import type { CompressedDocument } from "./types.js";
import { lz4Sniffer } from "./sniff.js";
import { decodeWrapper } from "./wrapper-analysis.js";

/**
 * LZ4 frames (04 22 4D 18, joblib's `lz4` compressor) and legacy frames (02 21 4C 18), decoded by
 * our own bounded LZ4 decoder.
 *
 * @example
 * const analysis = await lz4Handler.analyze(source, ctx);
 */
export const lz4Handler: FormatHandler = {
  ...lz4Sniffer,
  async analyze(source, ctx) {
    const doc: CompressedDocument = { container: "lz4", size: source.size, anomalies: [] };
    return (await decodeWrapper(source, ctx, { codec: "lz4", doc })).analysis;
  },
};
