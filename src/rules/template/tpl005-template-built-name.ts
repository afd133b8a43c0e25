import type { TemplateDocument } from "../../formats/jinja/types.js";
import { defineRule } from "../types.js";
import { TEMPLATE_FORMATS, reportSignals } from "./shared.js";

export const tpl005 = defineRule<TemplateDocument>({
  meta: {
    id: "TPL005",
    slug: "template-built-name",
    formats: TEMPLATE_FORMATS,
    title: "Chat template assembles a dangerous name at render time",
    description: "A dunder, module or exec name is built from pieces (`~`, `+`, `format`, `join`, `chr()`, `%c`, `\\\\x` escapes) so that it never appears literally.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [1336, 116],
    references: ["CVE-2024-34359", "GHSA-56xg-wfcc-g829", "CVE-2026-5760", "GHSA-46cm-pfwv-cgf8"],
  },
  check: reportSignals("built-name", (s) => `Template builds the name ${JSON.stringify(s.name)} at render time, hiding it from keyword filters`),
});
