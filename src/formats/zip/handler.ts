import type { FormatHandler, SniffHint, SniffStrength } from "../../core/handler.js";
import { readZip } from "./read-zip.js";

const LOCAL = [0x50, 0x4b, 0x03, 0x04];
const EOCD = [0x50, 0x4b, 0x05, 0x06];

function at(head: Uint8Array, offset: number, sig: readonly number[]): boolean {
  return sig.every((b, i) => head[offset + i] === b);
}

function contains(head: Uint8Array, sig: readonly number[]): boolean {
  for (let i = 1; i + sig.length <= head.length; i++) if (head[i] === sig[0] && at(head, i, sig)) return true;
  return false;
}

/**
 * Strong on a local header (or empty-archive end record) at offset 0; weak when a zip signature
 * appears later in the head (data prepended to a zip, a polyglot). A weak match that turns out to
 * have no zip structure is dropped (analyze returns undefined).
 */
export function sniffZip(head: Uint8Array, _hint: SniffHint): SniffStrength {
  if (at(head, 0, LOCAL) || at(head, 0, EOCD)) return "strong";
  return contains(head, LOCAL) || contains(head, EOCD) ? "weak" : "no";
}

/**
 * Zip archives: reports both directory views and lists every entry with data as a member.
 *
 * @example
 * const analysis = await zipHandler.analyze(source, ctx);
 */
export const zipHandler: FormatHandler = {
  id: "zip",
  priority: 10,
  sniff: sniffZip,
  async analyze(source, ctx) {
    const r = await readZip(source, ctx);
    if (!r.document.eocd && r.document.entries.length === 0) return undefined;
    return { format: "zip", document: r.document, defects: r.defects, members: r.members, notes: r.notes };
  },
};
