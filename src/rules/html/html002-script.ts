import { defineRule } from "../types.js";
import { HTML_FORMATS, reportSignals, type WithHtml } from "./shared.js";

export const html002 = defineRule<WithHtml>({
  meta: {
    id: "HTML002",
    slug: "html-script",
    formats: HTML_FORMATS,
    title: "HTML artifact or notebook output contains script",
    description: "A <script> element (inline or src) in an HTML artifact, or an application/javascript notebook output: it runs when the artifact is opened or displayed.",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [79],
    references: ["CVE-2024-27132", "https://github.com/advisories/GHSA-6749-m5cp-6cg7"],
  },
  check(doc, { report }) {
    reportSignals(doc, report, {
      select: (s) => s.kind === "script" || s.kind === "script-src" || s.kind === "javascript-output",
      describe: (s) => (s.kind === "script-src" ? `<script src> loads external script` : s.kind === "javascript-output" ? "application/javascript output runs when displayed" : "Inline <script> runs when the page is opened or displayed"),
    });
  },
});
