import type { NpyDocument } from "../../formats/numpy/types.js";
import { defineRule } from "../types.js";

export const npy003 = defineRule<NpyDocument>({
  meta: {
    id: "NPY003",
    slug: "numpy-data-size",
    formats: ["numpy"],
    title: "NumPy data does not fill the declared shape exactly",
    description:
      "prod(shape) × itemsize differs from the bytes after the header: too few and numpy.load fails; too many and numpy ignores the rest, where a second file can hide (the extra bytes are scanned).",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [20, 436],
    references: ["https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html"],
  },
  check(doc, { report }) {
    for (const p of doc.problems) {
      if (p.code !== "data-short" && p.code !== "data-long") continue;
      report({ message: p.message, evidence: `header ${doc.headerText?.slice(0, 160) ?? "?"}; ${doc.dataBytes} data bytes`, ...(p.offset !== undefined ? { offset: p.offset } : {}) });
    }
  },
});
