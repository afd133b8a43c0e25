import type { FormatHandler } from "../../core/handler.js";
import { decodeBzip2, isBzip2Header } from "../codecs/bzip2.js";
import { decodeWithCodec } from "./codec-wrapper.js";
import type { CompressedDocument } from "./types.js";

const startsWith = (h: Uint8Array, sig: readonly number[], at: number): boolean => sig.every((b, i) => h[at + i] === b);
/** Block magic (pi) and end-of-stream magic (sqrt(pi)) in BCD, right after "BZh" + level. */
const BLOCK_MAGIC = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
const EOS_MAGIC = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];

/**
 * bzip2 (`.bz2`, joblib's `bz2` compressor), concatenated streams included, decoded by our
 * bzip2 decoder with block and stream CRCs verified, under the shared output caps.
 *
 * @example
 * const analysis = await bzip2Handler.analyze(source, ctx);
 */
export const bzip2Handler: FormatHandler = {
  id: "bzip2",
  priority: 10,
  sniff: (h) => (isBzip2Header(h) && (startsWith(h, BLOCK_MAGIC, 4) || startsWith(h, EOS_MAGIC, 4)) ? "strong" : "no"),
  async analyze(source, ctx) {
    const doc: CompressedDocument = { container: "bzip2", size: source.size, anomalies: [] };
    return (await decodeWithCodec(source, ctx, { doc, decode: decodeBzip2 })).analysis;
  },
};
