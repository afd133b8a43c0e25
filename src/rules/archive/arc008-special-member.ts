import { defineRule } from "../types.js";
import { ARCHIVE_FORMATS, entryViews } from "./shared.js";

/** FIFOs are ARC009 (medium): they hang a reader, they do not grant access. */
const SPECIAL_KINDS = new Set(["char-device", "block-device"]);
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;

export const arc008 = defineRule({
  meta: {
    id: "ARC008",
    slug: "archive-special-member",
    formats: [...ARCHIVE_FORMATS, "7z"],
    title: "Archive holds a device node or a setuid/setgid file",
    description:
      "A tar (or zip with Unix modes) contains a character or block device, or a file with the setuid or setgid bit, none of which a model needs; extracting it as root recreates them (raw disk access, privilege escalation).",
    // High: extracted as root, a device node or a set-id program hands out privileges (issue 9 calibration).
    defaultSeverity: "high",
    confidence: "high",
    cwe: [250, 732],
    references: ["https://peps.python.org/pep-0706/", "https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter"],
  },
  check(doc, { report }) {
    for (const e of entryViews(doc)) {
      const facts: string[] = [];
      if (SPECIAL_KINDS.has(e.kind)) facts.push(`is a ${e.kind.replace("-", " ")}`);
      const mode = e.mode ?? 0;
      if (mode & S_ISUID) facts.push("has the setuid bit");
      if (mode & S_ISGID) facts.push("has the setgid bit");
      if (facts.length === 0) continue;
      report({
        message: `Entry ${JSON.stringify(e.name)} ${facts.join(" and ")}`,
        evidence: `mode 0${(mode & 0o7777).toString(8)}`,
        offset: e.offset,
        member: e.name,
      });
    }
  },
});
