import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { PICKLE_FORMATS, classifiedImports, describeImport, importEvidence } from "./shared.js";

export const pkl012 = defineRule<PickleDocument>({
  meta: {
    id: "PKL012",
    slug: "pickle-dunder-traversal",
    formats: PICKLE_FORMATS,
    title: "Pickle import walks through dunder attributes",
    description: "A dotted import name passes through `__builtins__`, `__globals__`, `__class__` or similar attributes, reaching interpreter internals from an innocent-looking module.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [502, 94],
    references: ["https://github.com/protectai/modelscan/issues/330", "GHSA-5j3x-jp52-966f"],
  },
  check(doc, { report, policy }) {
    for (const { imp, c } of classifiedImports(doc, policy)) {
      if (c.category !== "dunder") continue;
      report({
        message: `Pickle imports ${describeImport(imp, c)}, reaching ${c.matched} by attribute traversal`,
        evidence: importEvidence(doc, imp),
        offset: imp.offset,
      });
    }
  },
});
