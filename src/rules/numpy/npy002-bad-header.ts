import type { NpyDocument, NpyProblemCode } from "../../formats/numpy/types.js";
import { defineRule } from "../types.js";

const CODES = new Set<NpyProblemCode>(["unsupported-version", "header-truncated", "header-too-long", "header-encoding", "header-not-literal", "header-keys", "header-values", "dtype"]);

export const npy002 = defineRule<NpyDocument>({
  meta: {
    id: "NPY002",
    slug: "numpy-bad-header",
    formats: ["numpy"],
    title: "NumPy header is not one numpy.load accepts",
    description:
      "The .npy header has an unknown version, runs past the file, is longer than numpy's 10,000-byte default, is not a plain Python literal (numpy reads it with ast.literal_eval), or lacks exactly the descr/fortran_order/shape keys of the right types. numpy.save never writes this; readers disagree about such files.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [20, 436],
    references: ["https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html"],
  },
  check(doc, { report }) {
    for (const p of doc.problems) {
      if (!CODES.has(p.code)) continue;
      report({ message: p.message, ...(p.evidence ? { evidence: p.evidence } : {}), ...(p.offset !== undefined ? { offset: p.offset } : {}) });
    }
  },
});
