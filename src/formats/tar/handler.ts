import type { ByteSource } from "../../core/byte-source.js";
import type { FormatHandler } from "../../core/handler.js";
import { BLOCK, field } from "./header.js";
import { readTar } from "./read-tar.js";
import { sniffTar, tarSniffer } from "./sniff.js";

export { sniffTar };

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
  ...tarSniffer,
  async analyze(source, ctx) {
    const r = await readTar(source, ctx);
    const d = r.document;
    // Nothing readable: keep the result only when the magic said tar (a damaged archive, reported).
    if (d.entries.length === 0 && d.endOffset === undefined && !(await hasUstarMagic(source))) return undefined;
    return { format: "tar", document: r.document, defects: r.defects, members: r.members, notes: r.notes };
  },
};
