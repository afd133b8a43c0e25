import type { FormatAnalysis, FormatHandler, Member } from "../../core/handler.js";
import { readSafetensors } from "./header.js";
import { SAFETENSORS_FORMAT, safetensorsSniffer } from "./sniff.js";

export { SAFETENSORS_FORMAT };

/**
 * Safetensors: u64 little-endian header length N (2 ≤ N ≤ 100 MB) and a JSON header opening at
 * byte 8. "Safe" is not a verdict: the header is validated like the reference loader does, and
 * stricter, and `__metadata__` strings are facts for rules. Bytes after the last tensor are
 * handed down as a speculative member (polyglot files hide archives and pickles there).
 *
 * @example
 * const analysis = await safetensorsHandler.analyze(source, ctx);
 */
export const safetensorsHandler: FormatHandler = {
  ...safetensorsSniffer,
  async analyze(source): Promise<FormatAnalysis | undefined> {
    const { document, defects } = await readSafetensors(source);
    const members: Member[] = [];
    const notes: string[] = [];
    const trailing = document.problems.find((p) => p.kind === "trailing-data" && p.offset !== undefined);
    if (trailing?.offset !== undefined && trailing.offset < source.size) {
      members.push({ path: `trailing@${trailing.offset}`, source: source.slice(trailing.offset, source.size - trailing.offset), speculative: true });
      notes.push(`Bytes after the last tensor (offset ${trailing.offset}) were sniffed as a file of their own.`);
    }
    if (document.headerLength !== undefined && document.tensors.length > 0) {
      const data = source.size - 8 - document.headerLength;
      notes.push(`Header of ${document.headerLength} bytes: ${document.tensors.length} tensor(s), ${document.metadata.length} metadata entr${document.metadata.length === 1 ? "y" : "ies"}; ${data} bytes of tensor data not read.`);
    }
    return { format: SAFETENSORS_FORMAT, document, defects, members, notes };
  },
};
