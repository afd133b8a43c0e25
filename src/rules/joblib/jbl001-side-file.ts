import type { JoblibDocument } from "../../formats/joblib/types.js";
import { defineRule } from "../types.js";
import { describeSideFile, escapesFolder } from "./shared.js";

export const jbl001 = defineRule<JoblibDocument>({
  meta: {
    id: "JBL001",
    slug: "joblib-side-file",
    formats: ["joblib-arrays"],
    title: "joblib dump loads a side file (legacy array wrapper)",
    description:
      "The dump uses joblib < 0.10's NDArrayWrapper or ZNDArrayWrapper, which joblib.load still honours: each makes the loader open another file next to the dump, NDArrayWrapper through numpy.load(..., allow_pickle=True). That file is not in what you scanned.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [502, 829],
    references: ["https://github.com/joblib/joblib/blob/1.2.0/joblib/numpy_pickle_compat.py"],
  },
  check(doc, { report }) {
    for (const ref of doc.facts.sideFiles) {
      if (escapesFolder(ref)) continue; // JBL002
      report({ message: `${ref.wrapper} at offset ${ref.offset} makes joblib.load open side file ${JSON.stringify(ref.filename)}: ${describeSideFile(ref)}`, evidence: `filename ${JSON.stringify(ref.filename)}`, offset: ref.offset });
    }
  },
});
