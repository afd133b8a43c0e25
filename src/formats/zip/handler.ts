import type { FormatHandler } from "../../core/handler.js";
import { readZip } from "./read-zip.js";
import { sniffZip, zipSniffer } from "./sniff.js";

export { sniffZip };

/**
 * Zip archives: reports both directory views and lists every entry with data as a member.
 *
 * @example
 * const analysis = await zipHandler.analyze(source, ctx);
 */
export const zipHandler: FormatHandler = {
  ...zipSniffer,
  async analyze(source, ctx) {
    const r = await readZip(source, ctx);
    if (!r.document.eocd && r.document.entries.length === 0) return undefined;
    return { format: "zip", document: r.document, defects: r.defects, members: r.members, notes: r.notes };
  },
};
