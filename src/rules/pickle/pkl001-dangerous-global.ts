import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { describeUse, effectsOf, useEvidence, type NameUse } from "./effects.js";
import { CATEGORY_LABEL, PICKLE_FORMATS } from "./shared.js";

const OWN_RULES = new Set(["nested-deserializer", "code-object", "dunder"]);

/** How the pickle uses the name, as a verb for the message. */
export function useVerb(use: NameUse): string {
  if (use.calls > 0) return "calls";
  if (use.deferred > 0) return "stores for a later call";
  if (use.rebuilds > 0) return "rebuilds";
  return use.attribute ? "references" : "imports";
}

export const pkl001 = defineRule<PickleDocument>({
  meta: {
    id: "PKL001",
    slug: "pickle-dangerous-global",
    formats: PICKLE_FORMATS,
    title: "Pickle imports a dangerous callable",
    description: "The pickle imports, references (getattr) or defers (functools.partial) a name on the denylist (code execution, processes, network, files, import machinery, native code); unpickling it runs attacker-chosen code or hands it to the application.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [502, 94],
    references: ["CVE-2025-1716", "CVE-2025-10157", "GHSA-vvpj-8cmc-gx39", "GHSA-84r2-jw7c-4r5q", "https://research.jfrog.com/model-threats/pickle-malcode/"],
  },
  check(doc, { report, policy }) {
    const model = effectsOf(doc, policy);
    for (const use of model.uses) {
      const c = use.c;
      if (c.cls !== "dangerous" || OWN_RULES.has(c.category ?? "")) continue;
      // getattr used only as `getattr(<name>, '<literal>')` is judged through the names it reaches.
      if (!use.attribute && model.plainGetattr.has(use.imp)) continue;
      const route = c.route ? `; the ${c.route}` : "";
      report({
        message: `Pickle ${useVerb(use)} ${describeUse(use)}, a ${CATEGORY_LABEL[c.category ?? ""] ?? "dangerous callable"} on the denylist (entry "${c.matched}")${route}`,
        evidence: useEvidence(use),
        offset: use.offset,
      });
    }
  },
});
