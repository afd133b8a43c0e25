import { defineRule } from "../types.js";
import { HTML_FORMATS, reportSignals, tagText, type WithHtml } from "./shared.js";

export const html003 = defineRule<WithHtml>({
  meta: {
    id: "HTML003",
    slug: "html-event-handler",
    formats: HTML_FORMATS,
    title: "HTML event handler attribute",
    description: "An on* attribute (onerror, onload, onmouseover, ...) holds script that runs on an event, the usual XSS vector where <script> is filtered.",
    defaultSeverity: "high",
    confidence: "medium",
    cwe: [79],
    references: ["CVE-2024-27132", "https://owasp.org/www-community/attacks/xss/"],
  },
  check(doc, { report }) {
    reportSignals(doc, report, { select: (s) => s.kind === "event-handler", describe: (s) => `${tagText(s)} event handler runs script` });
  },
});
