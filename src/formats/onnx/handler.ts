import { readHead } from "../../core/byte-source.js";
import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { parseOnnx } from "./parse.js";
import { onnxSniffer, sniffOnnx } from "./sniff.js";
import type { OnnxDocument } from "./types.js";

const SNIFF_BYTES = 4096;

/**
 * ONNX models (`ModelProto`). A weak sniff is a trial: the walk must find a plausible
 * `ir_version` and a graph without malformed wire data, unless the file is named `.onnx`, in
 * which case whatever was parsed is reported with its defects (fail closed).
 *
 * @example
 * const analysis = await onnxHandler.analyze(source, ctx); // { format: "onnx", document, … }
 */
export const onnxHandler: FormatHandler = {
  ...onnxSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    const head = await readHead(source, SNIFF_BYTES);
    const strength = sniffOnnx(head, { name: ctx.name, size: source.size, parents: ctx.parents });
    const parsed = await parseOnnx(source, { now: ctx.now, deadline: ctx.deadline });
    const named = ctx.name.toLowerCase().endsWith(".onnx");
    if (strength !== "strong" && !parsed.convincing && !named) return undefined;
    return { format: "onnx", document: parsed.document, defects: parsed.defects, notes: notesFor(parsed.document) };
  },
};

function notesFor(doc: OnnxDocument): string[] {
  const notes: string[] = [];
  const files = new Set(doc.externalData.map((t) => t.location?.normalized).filter((l): l is string => l !== undefined));
  if (files.size > 0) {
    const list = [...files].slice(0, 5).map((f) => JSON.stringify(f)).join(", ");
    notes.push(`${doc.externalData.length + doc.externalDataOmitted} tensor(s) keep their data in external file(s) ${list}${files.size > 5 ? ", …" : ""}; those files are raw tensor bytes and are not scanned as models.`);
  }
  if (doc.maxGraphDepth > 0) notes.push(`${doc.graphs} graphs walked, including subgraphs nested ${doc.maxGraphDepth} deep in node attributes.`);
  return notes;
}
