import type { TemplateDocument } from "../../formats/jinja/types.js";
import { defineRule } from "../types.js";
import { TEMPLATE_FORMATS, reportSignals } from "./shared.js";

export const tpl001 = defineRule<TemplateDocument>({
  meta: {
    id: "TPL001",
    slug: "template-dunder-access",
    formats: TEMPLATE_FORMATS,
    title: "Chat template reaches Python internals through a dunder attribute",
    description: "The template reads an attribute or key such as `__class__`, `__globals__`, `__subclasses__` or `__builtins__`, the first step of every Jinja SSTI escape.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [1336, 94],
    references: ["CVE-2024-34359", "GHSA-56xg-wfcc-g829", "CVE-2026-5760", "GHSA-46cm-pfwv-cgf8"],
  },
  check: reportSignals("dunder", (s) => `Template accesses ${JSON.stringify(s.name)}, a Python internal no chat template needs`),
});
