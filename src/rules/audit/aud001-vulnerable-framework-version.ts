import { AUDIT_FORMAT, type AuditDocument } from "../../audit/document.js";
import { defineRule } from "../types.js";
import { affectedMessage, isSerious, matchEvidence } from "./shared.js";

export const aud001 = defineRule<AuditDocument>({
  meta: {
    id: "AUD001",
    slug: "vulnerable-framework-version",
    formats: [AUDIT_FORMAT],
    title: "Installed or pinned ML package has a high or critical known vulnerability",
    description: "An exact version (installed, locked or pinned with ==) of a model-loading package falls in the affected range of a high, critical or unrated advisory.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [1395],
    references: ["https://osv.dev", "https://github.com/pypa/advisory-database"],
  },
  check(doc, { report }) {
    for (const match of doc.matches) {
      if (match.status !== "affected" || !isSerious(match)) continue;
      const hit: { message: string; evidence: string; member?: string } = { message: affectedMessage(match), evidence: matchEvidence(match) };
      if (match.dependency.from !== undefined && doc.kind === "site-packages") hit.member = match.dependency.from;
      report(hit);
    }
  },
});
