import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { PICKLE_FORMATS, classifiedImports, describeImport, importEvidence, isCalled } from "./shared.js";

export const pkl002 = defineRule<PickleDocument>({
  meta: {
    id: "PKL002",
    slug: "pickle-unknown-global-called",
    formats: PICKLE_FORMATS,
    title: "Pickle calls a callable that is not on the allowlist",
    description: "A global that is neither known-safe nor a known ML class is called while unpickling; denylists are never complete, so anything unknown that runs is treated as dangerous.",
    defaultSeverity: "high",
    confidence: "medium",
    cwe: [502],
    references: ["https://arxiv.org/abs/2508.19774", "https://github.com/mmaitre314/picklescan/security/advisories"],
  },
  check(doc, { report, policy }) {
    for (const { imp, c } of classifiedImports(doc, policy)) {
      if (c.cls !== "unknown" || !isCalled(doc, imp)) continue;
      report({
        message: `Pickle calls ${describeImport(imp, c)}, which is not on the allowlist; loading runs it`,
        evidence: importEvidence(doc, imp),
        offset: imp.offset,
      });
    }
  },
});
