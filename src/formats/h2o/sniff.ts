import type { FormatSniffer } from "../../core/handler.js";
import { looksLikeIcedModel } from "./iced-header.js";
import { looksLikeModelIni } from "./model-ini.js";
import { utf8MayStartWith } from "../sniff-text.js";

/** Largest model.ini read (CWE-400): one line per column, so wide frames still fit. */
export const MOJO_MAX_INI_BYTES = 16 * 1024 * 1024;

/** H2O binary models (Iced, magic 0x1CED). */
export const h2oBinarySniffer: FormatSniffer = {
  id: "h2o-binary",
  priority: 50,
  sniff(head) {
    return looksLikeIcedModel(head) ? "strong" : "no";
  },
};

/** The `model.ini` of an H2O MOJO: strong by name or inside a zip, weak otherwise. */
export const h2oMojoSniffer: FormatSniffer = {
  id: "h2o-mojo",
  priority: 50,
  sniff(head, hint) {
    if (hint.size > MOJO_MAX_INI_BYTES) return "no";
    // `[info]` after whitespace and `#` comment lines: a head that opens otherwise is not decoded.
    if (!utf8MayStartWith(head, 0x5b, 0x23)) return "no";
    const text = new TextDecoder("utf-8", { fatal: false }).decode(head);
    if (!looksLikeModelIni(text)) return "no";
    return hint.name === "model.ini" || hint.parents.includes("zip") ? "strong" : "weak";
  },
};
