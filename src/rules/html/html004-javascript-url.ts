import { defineRule } from "../types.js";
import { HTML_FORMATS, reportSignals, tagText, type WithHtml } from "./shared.js";

export const html004 = defineRule<WithHtml>({
  meta: {
    id: "HTML004",
    slug: "html-javascript-url",
    formats: HTML_FORMATS,
    title: "javascript: URL in HTML",
    description: "A javascript: (or vbscript:) URL in a link, form, frame, image or meta refresh, including entity-encoded and whitespace-split spellings that browsers still run.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [79],
    references: ["CVE-2024-27132", "https://url.spec.whatwg.org/#url-parsing"],
  },
  check(doc, { report }) {
    reportSignals(doc, report, { select: (s) => s.kind === "javascript-url", describe: (s) => `${tagText(s)} holds a script URL` });
  },
});
