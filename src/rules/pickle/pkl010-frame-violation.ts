import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { PICKLE_FORMATS } from "./shared.js";

export const pkl010 = defineRule<PickleDocument>({
  meta: {
    id: "PKL010",
    slug: "pickle-frame-violation",
    formats: PICKLE_FORMATS,
    title: "Pickle argument crosses a FRAME boundary",
    description: "An opcode argument runs past the end of its protocol-4 FRAME (or frames overlap): the C and Python unpicklers and linear scanners read different opcode streams, a known way to hide a payload.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [436, 502],
    references: ["https://github.com/python/cpython/issues/154848", "https://github.com/trailofbits/fickling/commit/99464b5"],
  },
  check(doc, { report }) {
    for (const d of doc.defects) {
      if (d.code !== "pickle-frame-violation") continue;
      report({ message: `${d.message}; the bytes after the frame end were also parsed as a possible hidden stream`, offset: d.offset });
    }
  },
});
