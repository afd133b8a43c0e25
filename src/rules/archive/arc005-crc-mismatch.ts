import { defineRule } from "../types.js";
import { COMPRESSED_FORMATS, anomaliesOf, anomalyMember } from "./shared.js";

const CODES = new Set(["crc-mismatch"]);

export const arc005 = defineRule({
  meta: {
    id: "ARC005",
    slug: "zip-crc-mismatch",
    formats: ["zip", ...COMPRESSED_FORMATS],
    title: "Archive or compressed data does not match its stored checksum",
    description:
      "A zip member's data has a different CRC-32 than its headers declare (Python's zipfile refuses to read it while PyTorch (miniz) loads it, the shape used to crash scanners into skipping the member), or a gzip CRC-32/ISIZE, zlib Adler-32 or 7z CRC does not match the data (Python refuses the stream only at its end, after a streaming loader acted on it).",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [354, 436],
    references: ["CVE-2025-10156", "GHSA-mjqp-26hc-grxg", "https://github.com/pytorch/pytorch/pull/28858"],
  },
  check(doc, { report }) {
    for (const a of anomaliesOf(doc, CODES)) {
      const hit: { message: string; offset?: number; member?: string } = { message: a.message };
      if (a.offset !== undefined) hit.offset = a.offset;
      const member = anomalyMember(doc, a.entries);
      if (member !== undefined) hit.member = member;
      report(hit);
    }
  },
});
