import type { TemplateDocument } from "../../formats/jinja/types.js";
import { defineRule } from "../types.js";
import { TEMPLATE_FORMATS, reportSignals } from "./shared.js";

export const tpl007 = defineRule<TemplateDocument>({
  meta: {
    id: "TPL007",
    slug: "template-format-field",
    formats: TEMPLATE_FORMATS,
    title: "Chat template walks attributes through str.format",
    description: "The template calls `.format()`/`.format_map()` on a string whose replacement fields reach attributes or items (`\"{0.__class__}\".format(x)`); Python resolves those paths itself, outside the template's attribute checks, leaking object internals.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [1336, 200],
    references: ["CVE-2016-10745", "CVE-2019-10906", "CVE-2024-34359", "https://docs.python.org/3/library/string.html#format-string-syntax"],
  },
  check: reportSignals("format-field", (s) => `Template formats a string whose field {${s.name}} walks into an argument's attributes or items`),
});
