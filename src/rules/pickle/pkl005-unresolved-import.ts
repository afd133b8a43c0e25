import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { PICKLE_FORMATS, importEvidence } from "./shared.js";

export const pkl005 = defineRule<PickleDocument>({
  meta: {
    id: "PKL005",
    slug: "pickle-unresolved-import",
    formats: PICKLE_FORMATS,
    title: "Pickle imports a name that cannot be read statically",
    description: "STACK_GLOBAL takes operands that are not literal strings (computed at load time), or EXT1/2/4 resolves a callable through the copyreg extension registry; the import target is hidden from static reading.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [502, 693],
    references: ["GHSA-9gvj-pp9x-gcfr", "https://github.com/protectai/modelscan/issues/331"],
  },
  check(doc, { report }) {
    for (const imp of doc.imports) {
      if (imp.resolved) continue;
      report({
        message:
          imp.via === "EXT"
            ? `Pickle imports through the copyreg extension registry (${imp.unresolvedReason}); the callable cannot be named statically`
            : `Pickle imports with ${imp.via} from non-literal operands (${imp.unresolvedReason}); the target is computed at load time`,
        evidence: importEvidence(doc, imp),
        offset: imp.offset,
      });
    }
  },
});
