import type { ByteSource } from "../../core/byte-source.js";
import type { FormatAnalysis, FormatHandler, ScanContext } from "../../core/handler.js";
import { pickleAnalysis } from "../pickle/handler.js";
import { parsePickle } from "../pickle/parse.js";
import type { PickleDocument } from "../pickle/types.js";
import { resolveModulePids } from "./module-pids.js";
import { TORCH_PICKLE, TORCHSCRIPT_PICKLE, torchPickleSniffer, torchScriptPickleSniffer } from "./sniff.js";
import { torchScriptView } from "./torchscript-pickle.js";

/**
 * Pickles a torch container already parsed (to read their persistent ids) are handed to the
 * engine as members with this format, so they are reported at their own member path without
 * being parsed twice. Keyed by the member's source object, which the engine passes through.
 */
const preparsed = new WeakMap<ByteSource, PickleDocument>();

export { TORCH_PICKLE, TORCHSCRIPT_PICKLE };

/** Parses a pickle member once and remembers the result for the member handler. */
export async function parseMemberPickle(source: ByteSource, ctx: ScanContext): Promise<PickleDocument> {
  const cached = preparsed.get(source);
  if (cached) return cached;
  const doc = await parsePickle(source, { limits: ctx.limits, now: ctx.now, deadline: ctx.deadline });
  preparsed.set(source, doc);
  return doc;
}

/** Remembers a document parsed some other way (a sequence of pickles with raw data between them). */
export function rememberParsed(source: ByteSource, doc: PickleDocument): void {
  preparsed.set(source, doc);
}

async function takeParsed(source: ByteSource, ctx: ScanContext): Promise<PickleDocument> {
  const doc = await parseMemberPickle(source, ctx);
  preparsed.delete(source);
  return doc;
}

/**
 * A pickle torch.load reads with Python's unpickler (`data.pkl` of a checkpoint, the pickles
 * of a legacy tar). Never sniffed: only reached through `Member.forceFormat`.
 */
export const torchPickleHandler: FormatHandler = {
  ...torchPickleSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis> {
    return pickleAnalysis(resolveModulePids(await takeParsed(source, ctx)), source, "pickle");
  },
};

/** A pickle of a TorchScript archive, read by the TorchScript unpickler (see torchScriptView). */
export const torchScriptPickleHandler: FormatHandler = {
  ...torchScriptPickleSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis> {
    const doc = await takeParsed(source, ctx);
    const view = torchScriptView(doc);
    const analysis = pickleAnalysis(view, source, "pickle");
    if (view.imports.length < doc.imports.length) {
      analysis.notes = [...(analysis.notes ?? []), "Read by the TorchScript unpickler: its __torch__ classes and torch.jit._pickle helpers resolve inside torch, not as Python imports."];
    }
    return analysis;
  },
};
