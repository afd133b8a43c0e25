import type { FormatHandler } from "../../core/handler.js";
import { decodeLzmaAlone } from "../codecs/lzma-alone.js";
import { decodeWithCodec } from "./codec-wrapper.js";
import { innerName } from "./member-name.js";
import { lzmaAloneSniffer } from "./sniff.js";
import type { CompressedDocument } from "./types.js";

/** `w.joblib.lzma` holds `w.joblib`; `x.tlz` holds `x.tar`. */
function lzmaInnerName(outer: string): string {
  const base = innerName(outer);
  const lower = base.toLowerCase();
  if (lower.endsWith(".lzma") && base.length > 5) return base.slice(0, -5);
  if (lower.endsWith(".tlz") && base.length > 4) return `${base.slice(0, -4)}.tar`;
  return base;
}

/**
 * The legacy `.lzma` format (joblib's `lzma` compressor). It has no magic number, so the sniff
 * is weak (joblib's 0x5D prefix, a dictionary size liblzma would accept, the range coder's 0
 * byte) and the match is kept only when decoding produces output.
 *
 * @example
 * const analysis = await lzmaAloneHandler.analyze(source, ctx); // member "w.joblib" for "w.joblib.lzma"
 */
export const lzmaAloneHandler: FormatHandler = {
  ...lzmaAloneSniffer,
  async analyze(source, ctx) {
    const doc: CompressedDocument = { container: "lzma", size: source.size, anomalies: [] };
    const r = await decodeWithCodec(source, ctx, { doc, decode: decodeLzmaAlone, memberName: lzmaInnerName(ctx.name) });
    // A weak match that fails before producing anything is not an .lzma file.
    if (r.result.status === "failed" && r.outputBytes === 0 && r.result.defect?.code !== "timeout") return undefined;
    return r.analysis;
  },
};
