import type { FormatHandler } from "../../core/handler.js";
import { decodeXz } from "../codecs/xz.js";
import { decodeWithCodec } from "./codec-wrapper.js";
import { xzSniffer } from "./sniff.js";
import type { CompressedDocument } from "./types.js";

/**
 * xz (joblib's `xz` compressor, `.tar.xz`): every stream decoded by our LZMA2 decoder with its
 * block checks and index verified, under the shared output caps.
 *
 * @example
 * const analysis = await xzHandler.analyze(source, ctx); // member "model.pt" for "model.pt.xz"
 */
export const xzHandler: FormatHandler = {
  ...xzSniffer,
  async analyze(source, ctx) {
    const doc: CompressedDocument = { container: "xz", size: source.size, anomalies: [] };
    return (await decodeWithCodec(source, ctx, { doc, decode: decodeXz })).analysis;
  },
};
