import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { effectsOf, isCalledUse } from "./effects.js";
import { PICKLE_FORMATS } from "./shared.js";

/** Names listed in the message before "and N more". */
const MAX_LISTED = 12;

export const pkl003 = defineRule<PickleDocument>({
  meta: {
    id: "PKL003",
    slug: "pickle-unknown-global-imported",
    formats: PICKLE_FORMATS,
    title: "Pickle references names that are not on the allowlist, without calling them",
    description: "Names off the allowlist are imported or referenced (enum members, bound methods, classes passed as values) but nothing in the stream calls them; loading imports their modules, which must be installed. Information: nothing attacker-chosen runs.",
    defaultSeverity: "info",
    confidence: "high",
    cwe: [502],
    references: [],
  },
  check(doc, { report, policy }) {
    const names = effectsOf(doc, policy)
      .uses.filter((u) => u.c.cls === "unknown" && !isCalledUse(u, policy) && u.deferred === 0 && u.rebuilds === 0)
      .map((u) => `${u.module}.${u.name}`);
    if (names.length === 0) return;
    const modules = [...new Set(names.map((n) => n.split(".")[0]))].sort();
    const more = names.length > MAX_LISTED ? ` and ${names.length - MAX_LISTED} more` : "";
    report({
      message: `Pickle references ${names.length} name(s) off the allowlist without calling them; loading imports ${modules.join(", ")}`,
      evidence: `${names.slice(0, MAX_LISTED).join(", ")}${more}`,
    });
  },
});
