import type { FormatHandler } from "../../core/handler.js";
import type { CompressedDocument } from "./types.js";
import { decodeWrapper } from "./wrapper-analysis.js";

const isZstd = (h: Uint8Array): boolean => h[0] === 0x28 && h[1] === 0xb5 && h[2] === 0x2f && h[3] === 0xfd;
/** RFC 8878 3.1.2: skippable frame magic 0x184D2A50-5F, which may precede the first real frame. */
const isSkippable = (h: Uint8Array): boolean => (h[0]! & 0xf0) === 0x50 && h[1] === 0x2a && h[2] === 0x4d && h[3] === 0x18;

/**
 * Zstandard (RFC 8878) with the pure-JS `fzstd` decoder, after every frame header was checked
 * against the window limit.
 *
 * @example
 * const analysis = await zstdHandler.analyze(source, ctx);
 */
export const zstdHandler: FormatHandler = {
  id: "zstd",
  priority: 10,
  sniff: (head) => (isZstd(head) ? "strong" : head.length >= 4 && isSkippable(head) ? "weak" : "no"),
  async analyze(source, ctx) {
    const doc: CompressedDocument = { container: "zstd", size: source.size, anomalies: [] };
    const r = await decodeWrapper(source, ctx, { codec: "zstd", doc });
    // A weak (skippable-magic) match with no real frame at all is not zstd.
    if (r.outcome.zstd?.frames.length === 0 && r.outcome.zstd.problem?.code === "invalid") return undefined;
    return r.analysis;
  },
};
