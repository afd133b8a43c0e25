import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { describeUse, effectsOf, isCalledUse, useEvidence } from "./effects.js";
import { PICKLE_FORMATS } from "./shared.js";

export const pkl002 = defineRule<PickleDocument>({
  meta: {
    id: "PKL002",
    slug: "pickle-unknown-global-called",
    formats: PICKLE_FORMATS,
    title: "Pickle calls a callable that is not on the allowlist",
    description: "A name without an exact allowlist entry is called with the pickle's data while unpickling (REDUCE, INST, OBJ, a called getattr or partial result, or NEWOBJ with arguments on a class whose __new__ acts on them); denylists are never complete, so anything unknown that runs on attacker data is treated as dangerous.",
    defaultSeverity: "high",
    confidence: "medium",
    cwe: [502],
    references: ["https://arxiv.org/abs/2508.19774", "https://github.com/mmaitre314/picklescan/security/advisories"],
  },
  check(doc, { report, policy }) {
    for (const use of effectsOf(doc, policy).uses) {
      if (use.c.cls !== "unknown" || !isCalledUse(use, policy)) continue;
      const why = use.calls > 0 ? "loading runs it on the pickle's data" : "its __new__ acts on the arguments the pickle passes";
      report({
        message: `Pickle calls ${describeUse(use)}, which has no exact allowlist entry; ${why}`,
        evidence: useEvidence(use),
        offset: use.offset,
      });
    }
  },
});
