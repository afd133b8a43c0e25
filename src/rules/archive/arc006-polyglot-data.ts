import { defineRule } from "../types.js";
import { ARCHIVE_FORMATS, COMPRESSED_FORMATS, anomaliesOf } from "./shared.js";

const CODES = new Set(["prepended-data", "appended-data"]);

export const arc006 = defineRule({
  meta: {
    id: "ARC006",
    slug: "archive-extra-data",
    formats: [...ARCHIVE_FORMATS, ...COMPRESSED_FORMATS],
    title: "Data before or after the archive (polyglot file)",
    description:
      "Bytes precede a zip's first entry or follow the end of a zip, tar or compressed stream, so the file is also something else to readers that look there (a pickle with a zip appended, a zip with a script in front).",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [436],
    references: ["CVE-2025-10155", "GHSA-jgw4-cr84-mqxg", "https://github.com/trailofbits/fickling/blob/master/fickling/polyglot.py"],
  },
  check(doc, { report }) {
    for (const a of anomaliesOf(doc, CODES)) {
      const hit: { message: string; offset?: number; evidence?: string } = { message: a.message };
      if (a.offset !== undefined) hit.offset = a.offset;
      if (a.evidence !== undefined) hit.evidence = a.evidence;
      report(hit);
    }
  },
});
