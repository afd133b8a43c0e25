import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { describeUse, effectsOf, useEvidence } from "./effects.js";
import { PICKLE_FORMATS } from "./shared.js";

export const pkl012 = defineRule<PickleDocument>({
  meta: {
    id: "PKL012",
    slug: "pickle-dunder-traversal",
    formats: PICKLE_FORMATS,
    title: "Pickle import walks through dunder attributes",
    description: "A dotted import name or a getattr chain passes through `__builtins__`, `__globals__`, `__class__` or similar attributes, reaching interpreter internals from an innocent-looking module.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [502, 94],
    references: ["https://github.com/protectai/modelscan/issues/330", "GHSA-5j3x-jp52-966f"],
  },
  check(doc, { report, policy }) {
    // Dotted imports and getattr chains alike: `torch.nn.Module.__init__.__globals__`.
    for (const use of effectsOf(doc, policy).uses) {
      if (use.c.category !== "dunder") continue;
      report({
        message: `Pickle reaches ${describeUse(use)}, through ${use.c.matched} by attribute traversal`,
        evidence: useEvidence(use),
        offset: use.offset,
      });
    }
  },
});
