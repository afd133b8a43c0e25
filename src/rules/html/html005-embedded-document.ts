import { defineRule } from "../types.js";
import { HTML_FORMATS, reportSignals, tagText, type WithHtml } from "./shared.js";

export const html005 = defineRule<WithHtml>({
  meta: {
    id: "HTML005",
    slug: "html-embedded-document",
    formats: HTML_FORMATS,
    title: "HTML embeds another document or plugin content",
    description: "<iframe srcdoc>, <object>, <embed>, or a frame loading a data: HTML/SVG document: content a filter on the outer page does not see (srcdoc is parsed and its own script reported too).",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [79],
    references: ["CVE-2024-27132", "https://html.spec.whatwg.org/multipage/iframe-embed-object.html"],
  },
  check(doc, { report }) {
    reportSignals(doc, report, {
      select: (s) => s.kind === "iframe-srcdoc" || s.kind === "embedded-content",
      describe: (s) => (s.kind === "iframe-srcdoc" ? `<iframe srcdoc> embeds a whole HTML document` : `${tagText(s)} embeds external or inline content`),
    });
  },
});
