import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { describeUse, effectsOf, useEvidence } from "./effects.js";
import { useVerb } from "./pkl001-dangerous-global.js";
import { PICKLE_FORMATS } from "./shared.js";

export const pkl006 = defineRule<PickleDocument>({
  meta: {
    id: "PKL006",
    slug: "pickle-nested-deserializer",
    formats: PICKLE_FORMATS,
    title: "Pickle calls another deserializer",
    description: "The pickle imports a loader such as pickle.loads, marshal.loads, numpy.load, torch.load or joblib.load: a second payload is deserialized with no policy at all (pickle-in-pickle).",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [502],
    references: ["GHSA-h3qp-7fh3-f8h4", "GHSA-vv6j-3g6g-2pvj", "GHSA-f54q-57x4-jg88", "https://github.com/protectai/modelscan/issues/267"],
  },
  check(doc, { report, policy }) {
    for (const use of effectsOf(doc, policy).uses) {
      const c = use.c;
      if (c.category !== "nested-deserializer") continue;
      const how = useVerb(use);
      report({
        message: `Pickle ${how} ${describeUse(use)}, a nested deserializer; byte payloads it receives are scanned as files of their own`,
        evidence: useEvidence(use),
        offset: use.offset,
      });
    }
  },
});
