import { MAX_COMPRESSION_RATIO } from "../../formats/compress/limits.js";
import { defineRule } from "../types.js";
import { ARCHIVE_FORMATS, COMPRESSED_FORMATS, anomaliesOf, anomalyMember } from "./shared.js";

const CODES = new Set(["compression-ratio", "output-limit"]);

export const arc003 = defineRule({
  meta: {
    id: "ARC003",
    slug: "decompression-bomb",
    formats: [...ARCHIVE_FORMATS, ...COMPRESSED_FORMATS],
    title: "Compressed member expands past the ratio or size limit (decompression bomb)",
    description: `A zip member or compressed stream declares or produces more than ${MAX_COMPRESSION_RATIO} times its compressed size, or more than the bytes left in the scan budget; it was not expanded further.`,
    // High: a loader that opens the member is taken down (memory or disk exhausted) (issue 9 calibration).
    defaultSeverity: "high",
    confidence: "high",
    cwe: [409, 400],
    references: ["https://www.bamsoftware.com/hacks/zipbomb/", "https://github.com/keras-team/keras/issues/23010"],
  },
  check(doc, { report }) {
    for (const a of anomaliesOf(doc, CODES)) {
      const hit: { message: string; offset?: number; member?: string; evidence?: string } = { message: a.message };
      if (a.offset !== undefined) hit.offset = a.offset;
      const member = anomalyMember(doc, a.entries);
      if (member !== undefined) hit.member = member;
      if (a.code === "output-limit") hit.evidence = "stopped at the scan's byte budget (maxInflatedBytes) or the per-member cap";
      report(hit);
    }
  },
});
