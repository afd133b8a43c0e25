import { defineRule } from "../types.js";
import { pathProblems } from "./member-path.js";
import { ARCHIVE_FORMATS, entryViews } from "./shared.js";

export const arc001 = defineRule({
  meta: {
    id: "ARC001",
    slug: "archive-path-traversal",
    formats: [...ARCHIVE_FORMATS, "7z"],
    title: "Archive member name escapes the extraction folder (zip slip)",
    description:
      "A zip or tar entry is named with '..' segments, an absolute path, a drive letter, a NUL byte or an impossible length, so extracting the archive writes outside the target folder.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [22, 23, 36],
    references: ["CVE-2023-5245", "CVE-2007-4559", "CVE-2024-5187", "CVE-2025-12060", "https://security.snyk.io/research/zip-slip-vulnerability", "https://peps.python.org/pep-0706/"],
  },
  check(doc, { report }) {
    for (const e of entryViews(doc)) {
      for (const spelling of e.spellings) {
        const problems = pathProblems(spelling);
        if (problems.length === 0) continue;
        const other = spelling !== e.name ? ` (as spelt in another header of entry "${e.name}")` : "";
        report({
          message: `${e.kind === "directory" ? "Directory" : "Member"} name ${JSON.stringify(spelling.slice(0, 256))} ${problems.join(", ")}${other}`,
          evidence: `name ${JSON.stringify(spelling.slice(0, 256))}`,
          offset: e.offset,
          member: e.name,
        });
      }
    }
  },
});
