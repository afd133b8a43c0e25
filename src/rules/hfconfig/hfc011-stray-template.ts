import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { defineRule } from "../types.js";
import { CONFIG_FORMATS, capped } from "./shared.js";

export const hfc011 = defineRule<ConfigDocument>({
  meta: {
    id: "HFC011",
    slug: "stray-template-payload",
    formats: CONFIG_FORMATS,
    title: "Template injection payload in a key no loader renders",
    description: "A template-shaped value outside `chat_template` carries SSTI shapes (dunders, `cycler`, `popen` ...). Loaders do not render it, so it is inert unless custom code does; it is still a payload someone wrote.",
    defaultSeverity: "low",
    confidence: "medium",
    cwe: [1336],
    references: ["CVE-2024-34359", "GHSA-46cm-pfwv-cgf8"],
  },
  check(doc, ctx) {
    const report = capped(ctx);
    for (const stray of doc.strayTemplates) {
      const names = [...new Set(stray.signals.map((s) => s.name))].slice(0, 6).join(", ");
      report({ message: `${stray.path} is a template with injection shapes (${names}), but no loader renders that key`, evidence: stray.signals[0]?.evidence ?? "" });
    }
  },
});
