import type { FormatHandler } from "../../core/handler.js";
import { readGzipHeader } from "./gzip-header.js";
import { gzipSniffer } from "./sniff.js";
import type { CompressedDocument } from "./types.js";
import { decodeWrapper } from "./wrapper-analysis.js";

/**
 * gzip (RFC 1952), including concatenated members, which gunzip joins into one stream.
 *
 * @example
 * const analysis = await gzipHandler.analyze(source, ctx); // member "model.pt" for "model.pt.gz"
 */
export const gzipHandler: FormatHandler = {
  ...gzipSniffer,
  async analyze(source, ctx) {
    const doc: CompressedDocument = { container: "gzip", size: source.size, anomalies: [] };
    const header = await readGzipHeader(source);
    if (header) doc.gzip = header;
    return (await decodeWrapper(source, ctx, { codec: "gzip", doc })).analysis;
  },
};
