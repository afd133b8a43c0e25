import type { FormatSniffer } from "../../core/handler.js";
import { isOpcode } from "./opcodes.js";

/**
 * PROTO with a version up to this claims the file: versions past 5 are refused by CPython, and a
 * pickle in a future protocol must be an error in the report, not a file nobody looked at.
 */
export const MAX_CLAIMED_PROTOCOL = 15;

/**
 * Raw pickle streams of every protocol. Protocol 2+ starts with PROTO (strong); protocol 0/1
 * has no magic, so any opcode byte at offset 0 is a weak match tried by parsing.
 */
export const pickleSniffer: FormatSniffer = {
  id: "pickle",
  priority: 10,
  sniff(head) {
    if (head.length >= 2 && head[0] === 0x80 && (head[1] as number) <= MAX_CLAIMED_PROTOCOL) return "strong";
    if (head.length >= 1 && isOpcode(head[0] as number)) return "weak";
    return "no";
  },
};
