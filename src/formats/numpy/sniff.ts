import type { FormatSniffer } from "../../core/handler.js";
import { hasNpyMagic } from "./npy.js";

export const npySniffer: FormatSniffer = {
  id: "numpy",
  priority: 20,
  sniff(head) {
    return hasNpyMagic(head) ? "strong" : "no";
  },
};
