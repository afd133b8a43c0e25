import type { ByteSource } from "../../core/byte-source.js";
import type { FormatHandler, SniffHint, SniffStrength } from "../../core/handler.js";
import { BLOCK, field } from "./header.js";
import { readTar } from "./read-tar.js";
import { isValidHeader } from "./scan-blocks.js";

/** Strong on the ustar magic at offset 257 (POSIX "ustar\0" or GNU "ustar "), weak on a valid v7 header checksum. */
export function sniffTar(head: Uint8Array, _hint: SniffHint): SniffStrength {
  if (head.length < BLOCK) return "no";
  if (field(head.subarray(257, 263)).startsWith("ustar")) return "strong";
  return isValidHeader(head.subarray(0, BLOCK)) ? "weak" : "no";
}

async function hasUstarMagic(source: ByteSource): Promise<boolean> {
  return source.size >= BLOCK && field(await source.read(257, 6)).startsWith("ustar");
}

/**
 * Tar archives (ustar, GNU, PAX): every regular entry becomes a member; links, devices and odd
 * headers are facts for the archive rules.
 *
 * @example
 * const analysis = await tarHandler.analyze(source, ctx);
 */
export const tarHandler: FormatHandler = {
  id: "tar",
  priority: 10,
  sniff: sniffTar,
  async analyze(source, ctx) {
    const r = await readTar(source, ctx);
    const d = r.document;
    // Nothing readable: keep the result only when the magic said tar (a damaged archive, reported).
    if (d.entries.length === 0 && d.endOffset === undefined && !(await hasUstarMagic(source))) return undefined;
    return { format: "tar", document: r.document, defects: r.defects, members: r.members, notes: r.notes };
  },
};
