import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { describeUse, effectsOf, useEvidence } from "./effects.js";
import { PICKLE_FORMATS } from "./shared.js";

export const pkl007 = defineRule<PickleDocument>({
  meta: {
    id: "PKL007",
    slug: "pickle-code-object",
    formats: PICKLE_FORMATS,
    title: "Pickle builds Python code objects or functions",
    description: "The pickle builds code objects, functions or classes from bytecode (types.CodeType, cloudpickle/dill function builders): it carries compiled Python that runs when the object is used.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [502, 94],
    references: ["GHSA-9m3x-qqw2-h32h", "GHSA-565g-hwwr-4pp3", "https://github.com/protectai/modelscan/issues/28"],
  },
  check(doc, { report, policy }) {
    for (const use of effectsOf(doc, policy).uses) {
      const c = use.c;
      if (c.category !== "code-object") continue;
      report({
        message: `Pickle uses ${describeUse(use)} to build code; the file carries executable Python bytecode`,
        evidence: useEvidence(use),
        offset: use.offset,
      });
    }
  },
});
