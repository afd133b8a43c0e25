import { defineRule } from "../types.js";
import { ARCHIVE_FORMATS, entryViews } from "./shared.js";

export const arc009 = defineRule({
  meta: {
    id: "ARC009",
    slug: "archive-fifo-member",
    formats: [...ARCHIVE_FORMATS, "7z"],
    title: "Archive holds a named pipe (FIFO)",
    description:
      "A tar (or zip with Unix modes) contains a named pipe, which no model needs: extracting it recreates the FIFO, and the next program that opens that path blocks forever.",
    // Medium: a FIFO stalls a loader or pipeline (denial of service) but grants no access (issue 9 calibration).
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [400, 732],
    references: ["https://peps.python.org/pep-0706/", "https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter"],
  },
  check(doc, { report }) {
    for (const e of entryViews(doc)) {
      if (e.kind !== "fifo") continue;
      report({ message: `Entry ${JSON.stringify(e.name)} is a named pipe (FIFO)`, evidence: `mode 0${((e.mode ?? 0) & 0o7777).toString(8)}`, offset: e.offset, member: e.name });
    }
  },
});
