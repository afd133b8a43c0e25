import { defineRule } from "../types.js";
import { HTML_FORMATS, label, reportSignals, type WithHtml } from "./shared.js";

export const html001 = defineRule<WithHtml>({
  meta: {
    id: "HTML001",
    slug: "html-kernel-execute",
    formats: HTML_FORMATS,
    title: "HTML or notebook output script reaches the Jupyter kernel",
    description: "Script in an HTML artifact or notebook output calls the Jupyter kernel (kernel.execute, requestExecute, cell execution): rendered in Jupyter it runs Python as the user.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [79, 94],
    references: ["CVE-2024-27132", "https://github.com/advisories/GHSA-6749-m5cp-6cg7", "https://jfrog.com/blog/machine-learning-bug-bonanza-exploiting-ml-clients-and-safe-models/"],
  },
  check(doc, { report }) {
    reportSignals(doc, report, {
      select: (s) => s.kernelCall !== undefined,
      describe: (s) => `${label(s)} calls the Jupyter kernel (${s.kernelCall}); displayed in a notebook it runs Python code`,
    });
  },
});
