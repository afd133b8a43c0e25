import type { FormatHandler } from "../../core/handler.js";
import { decodeBzip2 } from "../codecs/bzip2.js";
import { decodeWithCodec } from "./codec-wrapper.js";
import { bzip2Sniffer } from "./sniff.js";
import type { CompressedDocument } from "./types.js";

/**
 * bzip2 (`.bz2`, joblib's `bz2` compressor), concatenated streams included, decoded by our
 * bzip2 decoder with block and stream CRCs verified, under the shared output caps.
 *
 * @example
 * const analysis = await bzip2Handler.analyze(source, ctx);
 */
export const bzip2Handler: FormatHandler = {
  ...bzip2Sniffer,
  async analyze(source, ctx) {
    const doc: CompressedDocument = { container: "bzip2", size: source.size, anomalies: [] };
    return (await decodeWithCodec(source, ctx, { doc, decode: decodeBzip2 })).analysis;
  },
};
