import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { detectMleap } from "../mleap/index.js";
import { detectNpz } from "../numpy/index.js";
import { readZip } from "../zip/index.js";
import { zipModelSniffer } from "./sniff.js";
import { analyzeTorchArchive, findTorchArchive } from "./zip-archive.js";

/**
 * Zips that are model containers: PyTorch checkpoints (`torch.save` >= 1.6, any extension),
 * TorchScript archives (`torch.jit.save`), NumPy `.npz` and MLeap bundles. The zip is read once
 * by the zip reader; the analysis is the zip's own (so the archive rules run) plus, in `also`,
 * the model layout it holds. A zip that is none of these comes out exactly as a plain zip.
 *
 * @example
 * const analysis = await zipModelHandler.analyze(source, ctx);
 * analysis?.also?.[0]?.format; // "pytorch-zip"
 */
export const zipModelHandler: FormatHandler = {
  ...zipModelSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    const zip = await readZip(source, ctx);
    if (!zip.document.eocd && zip.document.entries.length === 0) return undefined;
    const analysis: FormatAnalysis = { format: "zip", document: zip.document, defects: zip.defects, members: zip.members, notes: [...zip.notes] };
    const archive = findTorchArchive(zip.document);
    if (archive) {
      const torch = await analyzeTorchArchive(archive, zip, ctx);
      analysis.members = torch.members;
      analysis.notes = [...(analysis.notes ?? []), ...torch.notes];
      analysis.also = [{ format: torch.document.format, document: torch.document }];
      return analysis;
    }
    const npz = detectNpz(zip.document);
    if (npz) {
      analysis.also = [{ format: "npz", document: npz }];
      return analysis;
    }
    const mleap = await detectMleap(zip);
    if (mleap) analysis.also = [{ format: "mleap", document: mleap }];
    return analysis;
  },
};
