import { readHead } from "../../core/byte-source.js";
import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { parseGraphDef, parseSavedModel } from "./parse-graph.js";
import { sniffSavedModel } from "./sniff-graph.js";
import { graphDefSniffer, savedModelSniffer } from "./sniff.js";
import type { TfGraphDocument } from "./types.js";

const SNIFF_BYTES = 4096;

/**
 * TensorFlow SavedModel protobufs (`saved_model.pb`). A strong sniff (or the file name) commits
 * to the format and reports defects; a weak one is a trial the parse must confirm.
 *
 * @example
 * const analysis = await savedModelHandler.analyze(source, ctx); // format "tf-savedmodel"
 */
export const savedModelHandler: FormatHandler = {
  ...savedModelSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    const head = await readHead(source, SNIFF_BYTES);
    const strength = sniffSavedModel(head, { name: ctx.name, size: source.size, parents: ctx.parents });
    const parsed = await parseSavedModel(source, { now: ctx.now, deadline: ctx.deadline });
    if (strength !== "strong" && !parsed.convincing && ctx.name.toLowerCase() !== "saved_model.pb") return undefined;
    return { format: "tf-savedmodel", document: parsed.document, defects: parsed.defects, notes: notesFor(parsed.document) };
  },
};

/**
 * Frozen TensorFlow GraphDefs (`.pb`): no magic, so the parse must find nodes with op names and
 * no malformed wire data before the file counts as a graph.
 *
 * @example
 * const analysis = await graphDefHandler.analyze(source, ctx); // format "tf-graphdef"
 */
export const graphDefHandler: FormatHandler = {
  ...graphDefSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    const parsed = await parseGraphDef(source, { now: ctx.now, deadline: ctx.deadline });
    if (!parsed.convincing) return undefined;
    return { format: "tf-graphdef", document: parsed.document, defects: parsed.defects, notes: notesFor(parsed.document) };
  },
};

function notesFor(doc: TfGraphDocument): string[] {
  const notes = [`${doc.nodes} nodes in ${doc.graphs} graph(s) and ${doc.functionCount} function(s) listed; ${doc.ops.length} distinct ops.`];
  if (doc.nestedGraphs.length > 0) notes.push(`${doc.nestedGraphs.length} serialized graph(s) embedded in strings were decoded and walked too.`);
  return notes;
}
