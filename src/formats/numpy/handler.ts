import type { ByteSource } from "../../core/byte-source.js";
import type { FormatAnalysis, FormatHandler, ScanContext } from "../../core/handler.js";
import { pickleAnalysis } from "../pickle/handler.js";
import { parsePickle } from "../pickle/parse.js";
import type { PickleDocument } from "../pickle/types.js";
import { readNpy } from "./npy.js";
import { npySniffer } from "./sniff.js";
import type { NpyDocument } from "./types.js";

/**
 * NumPy `.npy` files (and `.npz` members, which the zip reader hands down). Object arrays carry
 * a pickle after the header: it is scanned as format `numpy-object`, so every pickle rule reads
 * it, and the header facts ride along as format `numpy`.
 *
 * @example
 * const analysis = await npyHandler.analyze(source, ctx);
 * analysis?.format; // "numpy" or "numpy-object"
 */
export const npyHandler: FormatHandler = {
  ...npySniffer,
  async analyze(source, ctx): Promise<FormatAnalysis> {
    const doc = await readNpy(source);
    const body = await dataPickle(source, doc, ctx);
    if (body) {
      const analysis = pickleAnalysis(body, source, "numpy-object");
      analysis.also = [{ format: "numpy", document: doc }];
      if (doc.objectArray) analysis.notes = [...(analysis.notes ?? []), "Object array: the data is a pickle, which numpy.load runs only with allow_pickle=True (the default is False)."];
      return analysis;
    }
    const analysis: FormatAnalysis = { format: "numpy", document: doc, defects: [] };
    if (doc.expectedDataBytes !== undefined && doc.dataBytes > doc.expectedDataBytes) {
      const at = doc.dataOffset + doc.expectedDataBytes;
      analysis.members = [{ path: `trailing@${at}`, source: source.slice(at, source.size - at), speculative: true }];
    }
    return analysis;
  },
};

/**
 * The pickle in the data area: always for object arrays; for a dtype we cannot read, only when
 * the data parses convincingly as a pickle (numpy may still call it an object array).
 */
async function dataPickle(source: ByteSource, doc: NpyDocument, ctx: ScanContext): Promise<PickleDocument | undefined> {
  if (doc.dataBytes === 0) return undefined;
  const unreadable = doc.dtype === undefined || doc.dtype.itemsize === undefined;
  if (!doc.objectArray && !unreadable) return undefined;
  const head = await source.read(doc.dataOffset, Math.min(2, doc.dataBytes));
  const strong = head[0] === 0x80 && (head[1] ?? 0xff) <= 5;
  const options = { limits: ctx.limits, now: ctx.now, deadline: ctx.deadline, start: doc.dataOffset };
  if (doc.objectArray) return parsePickle(source, options);
  const pickle = await parsePickle(source, strong ? options : { ...options, trial: true });
  if (!strong && !pickle.convincing) return undefined;
  doc.pickleGuess = true;
  return pickle;
}
