import { defineRule } from "../types.js";
import { anomaliesOf, anomalyMember } from "./shared.js";

const CODES = new Set(["encrypted"]);

export const arc007 = defineRule({
  meta: {
    id: "ARC007",
    slug: "zip-encrypted-member",
    formats: ["zip"],
    title: "Zip member is encrypted or flagged as encrypted",
    description:
      "A zip member is encrypted (its content cannot be scanned, reported also as an error) or carries the encryption flag over plaintext, which PyTorch reads and Python's zipfile refuses.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [693, 436],
    references: ["CVE-2025-1945", "GHSA-w8jq-xcqf-f792", "https://github.com/mmaitre314/picklescan/commit/75e60f2"],
  },
  check(doc, { report }) {
    for (const a of anomaliesOf(doc, CODES)) {
      const hit: { message: string; offset?: number; member?: string; evidence?: string } = { message: a.message };
      if (a.offset !== undefined) hit.offset = a.offset;
      if (a.evidence !== undefined) hit.evidence = a.evidence;
      const member = anomalyMember(doc, a.entries);
      if (member !== undefined) hit.member = member;
      report(hit);
    }
  },
});
