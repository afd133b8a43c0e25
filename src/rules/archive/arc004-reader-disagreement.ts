import { defineRule } from "../types.js";
import { ARCHIVE_FORMATS, anomaliesOf, anomalyMember } from "./shared.js";

/** Anomaly codes (zip and tar) where two kinds of reader see different contents. */
const CODES = new Set([
  // zip
  "name-mismatch",
  "unicode-path-mismatch",
  "flag-mismatch",
  "method-mismatch",
  "size-mismatch",
  "unusual-flags",
  "duplicate-name",
  "overlapping-data",
  "local-only",
  "central-only",
  "central-directory-shift",
  "multiple-eocd",
  "entry-count-mismatch",
  // tar
  "bad-checksum",
  "entries-after-end",
  "entries-after-bad-header",
  "name-spellings-differ",
  "data-on-special-entry",
]);

export const arc004 = defineRule({
  meta: {
    id: "ARC004",
    slug: "archive-reader-disagreement",
    formats: ARCHIVE_FORMATS,
    title: "Archive reads differently in different readers (parser differential)",
    description:
      "Headers disagree (local vs central names, flags, sizes), names repeat, entries overlap or hide outside one of the directory views, or tar headers are damaged or continue past the end, so a loader and a scanner can see different members.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [436, 20],
    references: ["CVE-2025-1944", "CVE-2025-1945", "CVE-2025-10156", "GHSA-7q5r-7gvp-wc82", "GHSA-w8jq-xcqf-f792", "https://www.bamsoftware.com/hacks/zipbomb/"],
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
