import type { FormatHandler } from "../../core/handler.js";
import type { CompressedDocument } from "./types.js";
import { zstdSniffer } from "./sniff.js";
import { decodeWrapper } from "./wrapper-analysis.js";

/**
 * Zstandard (RFC 8878) with the pure-JS `fzstd` decoder, after every frame header was checked
 * against the window limit.
 *
 * @example
 * const analysis = await zstdHandler.analyze(source, ctx);
 */
export const zstdHandler: FormatHandler = {
  ...zstdSniffer,
  async analyze(source, ctx) {
    const doc: CompressedDocument = { container: "zstd", size: source.size, anomalies: [] };
    const r = await decodeWrapper(source, ctx, { codec: "zstd", doc });
    // A weak (skippable-magic) match with no real frame at all is not zstd.
    if (r.outcome.zstd?.frames.length === 0 && r.outcome.zstd.problem?.code === "invalid") return undefined;
    return r.analysis;
  },
};
