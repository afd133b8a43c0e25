import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { PICKLE_FORMATS, classifiedImports } from "./shared.js";

/** Names listed in the message before "and N more". */
const MAX_LISTED = 12;

export const pkl004 = defineRule<PickleDocument>({
  meta: {
    id: "PKL004",
    slug: "pickle-ml-framework-class",
    formats: PICKLE_FORMATS,
    title: "Pickle rebuilds ML framework classes",
    description: "Known ML framework classes (torch.nn modules, scikit-learn estimators, numpy/pandas types) are rebuilt; this runs framework code on load, which is expected for whole-model pickles.",
    defaultSeverity: "info",
    confidence: "high",
    cwe: [502],
    references: [],
  },
  check(doc, { report, policy }) {
    const names = classifiedImports(doc, policy)
      .filter(({ c }) => c.cls === "ml")
      .map(({ c }) => c.normalized);
    if (names.length === 0) return;
    const listed = names.slice(0, MAX_LISTED).join(", ");
    const more = names.length > MAX_LISTED ? ` and ${names.length - MAX_LISTED} more` : "";
    report({
      message: `Pickle rebuilds ${names.length} known ML framework class(es); their code runs on load, as usual for whole-model pickles`,
      evidence: `${listed}${more}`,
    });
  },
});
