import type { TemplateDocument } from "../../formats/jinja/types.js";
import { defineRule } from "../types.js";
import { TEMPLATE_FORMATS, reportSignals } from "./shared.js";

export const tpl002 = defineRule<TemplateDocument>({
  meta: {
    id: "TPL002",
    slug: "template-global-object",
    formats: TEMPLATE_FORMATS,
    title: "Chat template reads attributes of a Jinja or Flask global",
    description: "The template reads attributes of `lipsum`, `cycler`, `joiner`, `namespace`, `self`, `config` or `request`, whose function globals lead to `os`.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [1336],
    references: ["CVE-2024-34359", "GHSA-56xg-wfcc-g829", "CVE-2026-5760", "GHSA-46cm-pfwv-cgf8"],
  },
  check: reportSignals("global-object", (s) => `Template reads attributes of the global ${JSON.stringify(s.name)}, a known route to Python function globals`),
});
