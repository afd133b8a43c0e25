import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { CATEGORY_LABEL, PICKLE_FORMATS, classifiedImports, describeImport, importEvidence, isCalled } from "./shared.js";

const OWN_RULES = new Set(["nested-deserializer", "code-object", "dunder"]);

export const pkl001 = defineRule<PickleDocument>({
  meta: {
    id: "PKL001",
    slug: "pickle-dangerous-global",
    formats: PICKLE_FORMATS,
    title: "Pickle imports a dangerous callable",
    description: "The pickle imports a global on the denylist (code execution, processes, network, files, import machinery, native code); unpickling it runs attacker-chosen code.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [502, 94],
    references: ["CVE-2025-1716", "CVE-2025-10157", "GHSA-vvpj-8cmc-gx39", "GHSA-84r2-jw7c-4r5q", "https://research.jfrog.com/model-threats/pickle-malcode/"],
  },
  check(doc, { report, policy }) {
    for (const { imp, c } of classifiedImports(doc, policy)) {
      if (c.cls !== "dangerous" || OWN_RULES.has(c.category ?? "")) continue;
      const how = isCalled(doc, imp) ? "calls" : "imports";
      const route = c.route ? `; the ${c.route}` : "";
      report({
        message: `Pickle ${how} ${describeImport(imp, c)}, a ${CATEGORY_LABEL[c.category ?? ""] ?? "dangerous callable"} on the denylist (entry "${c.matched}")${route}`,
        evidence: importEvidence(doc, imp),
        offset: imp.offset,
      });
    }
  },
});
