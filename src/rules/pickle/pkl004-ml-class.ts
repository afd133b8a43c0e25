import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { effectsOf, isCalledUse } from "./effects.js";
import { PICKLE_FORMATS } from "./shared.js";

/** Names listed in the message before "and N more". */
const MAX_LISTED = 12;

export const pkl004 = defineRule<PickleDocument>({
  meta: {
    id: "PKL004",
    slug: "pickle-ml-framework-class",
    formats: PICKLE_FORMATS,
    title: "Pickle rebuilds classes or calls allowlisted ML framework code",
    description: "Classes are rebuilt the usual way (NEWOBJ or copyreg, then BUILD: only the installed class's __new__ and __setstate__ run), or allowlisted ML framework names are used; this needs those modules installed and is expected for whole-model pickles.",
    defaultSeverity: "info",
    confidence: "high",
    cwe: [502],
    references: [],
  },
  check(doc, { report, policy }) {
    const uses = effectsOf(doc, policy).uses.filter(
      (u) => u.c.cls === "ml" || (u.rebuilds > 0 && u.c.cls !== "dangerous" && !isCalledUse(u, policy)),
    );
    if (uses.length === 0) return;
    const names = uses.map((u) => u.c.normalized);
    const modules = [...new Set(uses.map((u) => u.module.split(".")[0]))].sort();
    const more = names.length > MAX_LISTED ? ` and ${names.length - MAX_LISTED} more` : "";
    report({
      message: `Pickle rebuilds or uses ${names.length} class(es) and known ML framework name(s); their installed code runs on load and needs ${modules.join(", ")}`,
      evidence: `${names.slice(0, MAX_LISTED).join(", ")}${more}`,
    });
  },
});
