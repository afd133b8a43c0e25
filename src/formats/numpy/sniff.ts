import type { FormatSniffer } from "../../core/handler.js";

/** `\x93NUMPY` (numpy/lib/format.py MAGIC_PREFIX). */
export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] as const;

export function hasNpyMagic(head: Uint8Array): boolean {
  return NPY_MAGIC.every((b, i) => head[i] === b);
}

export const npySniffer: FormatSniffer = {
  id: "numpy",
  priority: 20,
  sniff(head) {
    return hasNpyMagic(head) ? "strong" : "no";
  },
};
