import { MemorySource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import type { FormatAnalysis, FormatHandler, Member, ScanContext } from "../../core/handler.js";
import { analyzeKerasConfig } from "./analyze-config.js";
import type { KerasBlob } from "./config-walk.js";
import { MAX_KERAS_CONFIG_BYTES } from "./limits.js";
import { kerasConfigSniffer, sniffKerasConfig } from "./sniff.js";
import type { KerasDocument } from "./types.js";

const utf8 = new TextDecoder("utf-8");

export { sniffKerasConfig };

/**
 * Keras configs: the `config.json` of a `.keras` zip (or model folder). The zip handler hands
 * the member over; this handler walks the whole tree and returns TorchModuleWrapper blobs as
 * members for the engine to scan.
 *
 * @example
 * const analysis = await kerasConfigHandler.analyze(source, ctx); // format "keras-config"
 */
export const kerasConfigHandler: FormatHandler = {
  ...kerasConfigSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    const defects: Defect[] = [];
    let length = source.size;
    if (length > MAX_KERAS_CONFIG_BYTES) {
      defects.push(defect("limit-exceeded", `Keras config of ${source.size} bytes exceeds ${MAX_KERAS_CONFIG_BYTES}; only the first ${MAX_KERAS_CONFIG_BYTES} bytes were searched`, { limit: "MAX_KERAS_CONFIG_BYTES" }));
      length = MAX_KERAS_CONFIG_BYTES;
    }
    const bytes = await source.read(0, length);
    const strength = sniffKerasConfig(bytes.subarray(0, 4096), { name: ctx.name, size: source.size, parents: ctx.parents });
    const analysis = analyzeKerasConfig(utf8.decode(bytes), ctx.name);
    if (strength !== "strong" && !analysis.facts.kerasShaped) return undefined;
    defects.push(...analysis.defects);
    const document: KerasDocument = { format: "keras-config", configs: [analysis.facts] };
    const blobs = blobMembers(analysis.blobs, ctx);
    return { format: "keras-config", document, defects: [...defects, ...blobs.defects], members: blobs.members, notes: notesFor(document) };
  },
};

/** Embedded torch blobs as members, within the shared inflated-bytes budget; blobs past it become defects. */
export function blobMembers(blobs: readonly KerasBlob[], ctx: ScanContext): { members: Member[]; defects: Defect[] } {
  const members: Member[] = [];
  const defects: Defect[] = [];
  for (const blob of blobs) {
    if (ctx.budget.inflatedBytes + blob.bytes.length > ctx.limits.maxInflatedBytes) {
      defects.push(defect("limit-exceeded", `Embedded ${blob.path} of ${blob.bytes.length} bytes exceeds the decoded-bytes budget; not scanned`, { limit: "maxInflatedBytes" }));
      continue;
    }
    ctx.budget.inflatedBytes += blob.bytes.length;
    members.push({ path: blob.path, source: new MemorySource(blob.bytes) });
  }
  return { members, defects };
}

function notesFor(doc: KerasDocument): string[] {
  const notes: string[] = [];
  for (const c of doc.configs) {
    if (c.torchModules.some((t) => t.member)) notes.push(`TorchModuleWrapper blob(s) in ${c.origin} were decoded from base64 and scanned as torch files.`);
  }
  return notes;
}
