import type { TemplateDocument } from "../../formats/jinja/types.js";
import { defineRule } from "../types.js";
import { TEMPLATE_FORMATS, reportSignals } from "./shared.js";

export const tpl003 = defineRule<TemplateDocument>({
  meta: {
    id: "TPL003",
    slug: "template-code-execution",
    formats: TEMPLATE_FORMATS,
    title: "Chat template calls code, command or file functions",
    description: "The template calls `eval`, `exec`, `popen`, `system`, `open`, `__import__` or reaches modules such as `os` and `subprocess`.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [94, 78, 1336],
    references: ["CVE-2024-34359", "GHSA-56xg-wfcc-g829", "CVE-2026-5760", "GHSA-46cm-pfwv-cgf8"],
  },
  check: reportSignals("exec", (s) => `Template reaches ${JSON.stringify(s.name)}, which runs code, commands or opens files`),
});
