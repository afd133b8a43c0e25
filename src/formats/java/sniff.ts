import type { FormatSniffer, SniffHint } from "../../core/handler.js";
import { JAVA_STREAM_MAGIC, startsWith } from "./grammar.js";

/** Format of one parsed stream (rules JAVA001-JAVA003 read it). */
export const JAVA_STREAM_FORMAT = "java-serialized";
/** Format of a file that is not a stream itself but carries streams at some offsets. */
export const JAVA_CARRIER_FORMAT = "java-embedded";

/** Zip members worth a full magic search even when the head shows none (MOJO blobs, `.ser` files). */
const CARRIER_NAME = /\.(?:bin|ser|jser|obj|dat)$/i;

/** Index of the first magic in `head` at or after `from`, or -1. */
export function indexOfJavaMagic(head: Uint8Array, from = 0): number {
  for (let i = head.indexOf(0xac, from); i !== -1 && i + 3 < head.length; i = head.indexOf(0xac, i + 1)) {
    if (head[i + 1] === 0xed && head[i + 2] === 0x00 && head[i + 3] === 0x05) return i;
  }
  return -1;
}

/** Strong on the magic `AC ED 00 05` at offset 0; weak on the magic later in the head or on a blob-named zip member. */
export const javaSniffer: FormatSniffer = {
  id: JAVA_STREAM_FORMAT,
  // Lowest: the weak search must never claim a file another format's weak trial would take (a
  // protocol-0 pickle with a Java stream in a string is a pickle first). Strong matches (magic at
  // offset 0) compete with nobody.
  priority: 1,
  sniff(head: Uint8Array, hint: SniffHint) {
    if (startsWith(head, 0, JAVA_STREAM_MAGIC)) return "strong";
    if (indexOfJavaMagic(head, 1) !== -1) return "weak";
    if (hint.parents.includes("zip") && CARRIER_NAME.test(hint.name)) return "weak";
    return "no";
  },
};
