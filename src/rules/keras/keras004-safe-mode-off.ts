import type { KerasDocument } from "../../formats/keras/types.js";
import { defineRule } from "../types.js";
import { KERAS_FORMATS, rawOnly, rawWhy } from "./shared.js";

export const keras004 = defineRule<KerasDocument>({
  meta: {
    id: "KERAS004",
    slug: "keras-safe-mode-off",
    formats: KERAS_FORMATS,
    title: "Keras config turns safe mode off",
    description: "The config passes `safe_mode: false` (for example to a nested load_model) or names the `safe_mode_saving` global: later objects in the same load may then run Lambda bytecode or other unsafe deserialization.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [693, 502],
    references: ["CVE-2025-9906", "GHSA-36fq-jgmw-4r9c"],
  },
  check(doc, { report }) {
    for (const c of doc.configs) {
      for (const f of c.flags) {
        const what = f.kind === "safe-mode-false" ? "passes safe_mode: false" : "names the safe_mode_saving global";
        report({ message: `Keras ${c.origin} ${f.path} ${what}, which disables Keras' guard against code in configs`, evidence: f.path });
      }
      for (const hit of rawOnly(c, "safe-mode")) {
        report({ message: `Keras ${c.origin} turns safe mode off (${rawWhy(c)})`, evidence: hit.text, offset: hit.offset });
      }
    }
  },
});
