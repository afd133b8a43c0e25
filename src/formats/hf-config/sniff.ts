import type { FormatSniffer } from "../../core/handler.js";
import { firstContentByte } from "./read-bytes.js";
import { hasMarkerText, isConfigFileName } from "./recognise.js";

export const HF_CONFIG_FORMAT = "hf-config";

/** A JSON object: strong when named like a config or showing a key loaders act on, else a trial. */
export const hfConfigSniffer: FormatSniffer = {
  id: HF_CONFIG_FORMAT,
  priority: 6,
  sniff(head, hint) {
    if (head[firstContentByte(head)] !== 0x7b) return "no";
    const text = new TextDecoder("utf-8").decode(head);
    // Any JSON object may be a config: the name or the keys decide in analyze.
    return hasMarkerText(text) || isConfigFileName(hint.name) ? "strong" : "weak";
  },
};
