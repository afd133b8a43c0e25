import type { JoblibDocument } from "../../formats/joblib/types.js";
import { defineRule } from "../types.js";
import { describeSideFile, escapesFolder } from "./shared.js";

export const jbl002 = defineRule<JoblibDocument>({
  meta: {
    id: "JBL002",
    slug: "joblib-side-file-escape",
    formats: ["joblib-arrays"],
    title: "joblib legacy array wrapper loads a file outside the dump's folder",
    description:
      "An NDArrayWrapper/ZNDArrayWrapper filename is absolute, climbs with '..', or is not a literal string. joblib joins it to the dump's folder with os.path.join (which keeps absolute paths) and loads it, with allow_pickle=True for NDArrayWrapper: a trampoline that unpickles any file on the machine.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [22, 73, 502],
    references: ["https://github.com/joblib/joblib/blob/1.2.0/joblib/numpy_pickle_compat.py"],
  },
  check(doc, { report }) {
    for (const ref of doc.facts.sideFiles) {
      if (!escapesFolder(ref)) continue;
      const name = ref.filename === undefined ? "a computed filename" : JSON.stringify(ref.filename);
      report({ message: `${ref.wrapper} at offset ${ref.offset} makes joblib.load open ${name}, outside the dump's folder: ${describeSideFile(ref)}`, evidence: `filename ${name}`, offset: ref.offset });
    }
  },
});
