import type { TemplateDocument } from "../../formats/jinja/types.js";
import { defineRule } from "../types.js";
import { TEMPLATE_FORMATS, reportSignals } from "./shared.js";

export const tpl004 = defineRule<TemplateDocument>({
  meta: {
    id: "TPL004",
    slug: "template-dynamic-attribute",
    formats: TEMPLATE_FORMATS,
    title: "Chat template looks attributes up by computed name",
    description: "The template uses the `attr` filter or `getattr()`, which fetch attributes by a name computed at render time and bypass keyword filters.",
    defaultSeverity: "high",
    confidence: "medium",
    cwe: [1336],
    references: ["CVE-2024-34359", "GHSA-56xg-wfcc-g829", "CVE-2026-5760", "GHSA-46cm-pfwv-cgf8"],
  },
  check: reportSignals("dynamic-attr", (s) => `Template looks attributes up by name with ${JSON.stringify(s.name)}`),
});
