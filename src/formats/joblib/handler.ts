import type { ByteSource } from "../../core/byte-source.js";
import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { pickleAnalysis } from "../pickle/handler.js";
import { parsePickle } from "../pickle/parse.js";
import type { PickleDocument } from "../pickle/types.js";
import { emptyDocument } from "../pickle/vm.js";
import { pickleAt, type SequenceOptions } from "../torch/pickle-sequence.js";
import { collectingJoblibHooks, isJoblibWrapperName, type JoblibArrayFacts } from "./array-wrapper.js";
import { joblibSniffer, startsLikePickle } from "./sniff.js";
import type { JoblibDocument } from "./types.js";

/**
 * A joblib dump is one pickle that ends the file. It is read with small windows that restart
 * after each raw array (pickleAt), so the arrays are skipped, not read; anything else (an error,
 * trailing bytes, no PROTO) gets the full parse with its search for hidden streams.
 */
async function parseDump(source: ByteSource, strong: boolean, options: SequenceOptions): Promise<{ doc: PickleDocument; facts: JoblibArrayFacts }> {
  if (strong) {
    const first = collectingJoblibHooks();
    const doc = emptyDocument();
    const r = await pickleAt(source, doc, 0, { ...options, hooks: first.hooks });
    // Any defect (a FRAME violation included) calls for the full parse and its hidden-stream search.
    if (r.ok && r.end === source.size && doc.defects.length === 0) return { doc, facts: first.facts };
  }
  const { hooks, facts } = collectingJoblibHooks();
  const doc = await parsePickle(source, { ...options, hooks, ...(strong ? {} : { trial: true }) });
  return { doc, facts };
}

/**
 * A pickle is a joblib dump when it imports joblib's array wrappers: the format the joblib rules
 * (and the report) go by. The pickle document itself is the same the pickle rules read.
 */
export function joblibView(doc: PickleDocument, facts: JoblibArrayFacts): { format: "joblib" | "pickle"; also: { format: string; document: JoblibDocument }[] } {
  const joblib = doc.imports.some((imp) => imp.resolved && (isJoblibWrapperName(imp.module, imp.name) || imp.module === "joblib.numpy_pickle" || imp.module === "joblib.numpy_pickle_compat"));
  if (!joblib) return { format: "pickle", also: [] };
  return { format: "joblib", also: [{ format: "joblib-arrays", document: { format: "joblib-arrays", facts } }] };
}

/**
 * joblib dumps (uncompressed; compressed ones arrive here as the member of a zlib, gzip, lz4 or
 * Z-file wrapper). Claims pickles that name joblib's wrappers in their first bytes or carry a
 * joblib file name; other pickles are left to the pickle handler, which skips joblib's raw
 * arrays the same way but reports them as plain pickles.
 *
 * @example
 * const analysis = await joblibHandler.analyze(source, ctx); // format "joblib"
 */
export const joblibHandler: FormatHandler = {
  ...joblibSniffer,
  async analyze(source: ByteSource, ctx): Promise<FormatAnalysis | undefined> {
    const head = await source.read(0, Math.min(2, source.size));
    const strong = startsLikePickle(head);
    const { doc, facts } = await parseDump(source, strong, { limits: ctx.limits, now: ctx.now, deadline: ctx.deadline });
    if (!strong && !doc.convincing) return undefined;
    const view = joblibView(doc, facts);
    const analysis = pickleAnalysis(doc, source, view.format);
    if (view.also.length > 0) analysis.also = view.also;
    return analysis;
  },
};
