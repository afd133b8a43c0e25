import { render } from "../../formats/pickle/render.js";
import type { PickleDocument } from "../../formats/pickle/types.js";
import { K } from "../../formats/pickle/values.js";
import { defineRule } from "../types.js";
import { describeUse, effectsOf, isCalledUse, useEvidence } from "./effects.js";
import { PICKLE_FORMATS } from "./shared.js";

export const pkl016 = defineRule<PickleDocument>({
  meta: {
    id: "PKL016",
    slug: "pickle-deferred-callable",
    formats: PICKLE_FORMATS,
    title: "Pickle stores an unknown callable for later (functools.partial)",
    description: "functools.partial(f, …) keeps f and its arguments for the application to call later; nothing in the stream calls it. A denylisted f is critical (PKL001) and an allowlisted one is fine; an f that is on neither list, or that cannot be named, is a loaded gun handed to the application.",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [502],
    references: ["https://docs.python.org/3/library/functools.html#functools.partial"],
  },
  check(doc, { report, policy }) {
    const model = effectsOf(doc, policy);
    for (const use of model.uses) {
      if (use.deferred === 0 || use.c.cls !== "unknown" || isCalledUse(use, policy)) continue;
      report({
        message: `Pickle stores ${describeUse(use)} in functools.partial for a later call; it is on no allowlist`,
        evidence: useEvidence(use),
        offset: use.offset,
      });
    }
    for (const site of model.unnamedDeferred) {
      report({
        message: `Pickle stores a callable it computes at load time in functools.partial (${site.op})`,
        evidence: render({ k: K.Call, call: site }, 160),
        offset: site.offset,
      });
    }
  },
});
