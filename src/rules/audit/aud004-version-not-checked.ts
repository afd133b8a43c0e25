import { AUDIT_FORMAT, type AuditDocument } from "../../audit/document.js";
import { defineRule } from "../types.js";

export const aud004 = defineRule<AuditDocument>({
  meta: {
    id: "AUD004",
    slug: "version-not-checked",
    formats: [AUDIT_FORMAT],
    title: "ML package version could not be compared with its advisories",
    description: "A package that has known advisories is declared with a version or range that is not valid PEP 440 or Maven syntax, so whether it is affected is unknown.",
    defaultSeverity: "low",
    confidence: "medium",
    cwe: [1395],
    references: ["https://peps.python.org/pep-0440/", "https://maven.apache.org/pom.html#dependency-version-requirement-specification"],
  },
  check(doc, { report }) {
    for (const item of doc.unreadable) report({ message: item.reason, evidence: `${item.dependency.name}${item.dependency.line !== undefined ? ` at line ${item.dependency.line}` : ""}` });
  },
});
