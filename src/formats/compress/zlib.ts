import type { FormatHandler } from "../../core/handler.js";
import { sniffZlib, zlibSniffer } from "./sniff.js";
import type { CompressedDocument } from "./types.js";
import { decodeWrapper } from "./wrapper-analysis.js";

export { sniffZlib };

/**
 * zlib streams (joblib's default compressor, `torch` legacy `.z` wrappers).
 *
 * @example
 * const analysis = await zlibHandler.analyze(source, ctx);
 */
export const zlibHandler: FormatHandler = {
  ...zlibSniffer,
  async analyze(source, ctx) {
    const doc: CompressedDocument = { container: "zlib", size: source.size, anomalies: [] };
    const r = await decodeWrapper(source, ctx, { codec: "zlib", doc });
    if (r.outcome.status === "corrupt" && r.outcome.bytes.length === 0) return undefined;
    return r.analysis;
  },
};
