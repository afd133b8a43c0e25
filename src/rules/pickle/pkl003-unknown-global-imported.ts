import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { PICKLE_FORMATS, classifiedImports, describeImport, importEvidence, isCalled } from "./shared.js";

export const pkl003 = defineRule<PickleDocument>({
  meta: {
    id: "PKL003",
    slug: "pickle-unknown-global-imported",
    formats: PICKLE_FORMATS,
    title: "Pickle imports an unknown global without calling it",
    description: "A global that is not on any list is imported (the module is imported on load) but not called; importing alone can run module code and hand the object to later logic.",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [502],
    references: [],
  },
  check(doc, { report, policy }) {
    for (const { imp, c } of classifiedImports(doc, policy)) {
      if (c.cls !== "unknown" || isCalled(doc, imp)) continue;
      report({
        message: `Pickle imports ${describeImport(imp, c)}, which is not on the allowlist (imported, not called)`,
        evidence: importEvidence(doc, imp),
        offset: imp.offset,
      });
    }
  },
});
