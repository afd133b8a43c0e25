import { trimTrailingSlashes } from "../../core/linear-text.js";
import { defineRule } from "../types.js";
import { resolveInside } from "./member-path.js";
import { ARCHIVE_FORMATS, entryViews, type EntryView } from "./shared.js";

const norm = (p: string): string => trimTrailingSlashes(p.replace(/\\/g, "/")).replace(/^\.\//, "");

export const arc002 = defineRule({
  meta: {
    id: "ARC002",
    slug: "archive-link-escape",
    formats: [...ARCHIVE_FORMATS, "7z"],
    title: "Archive symlink or hardlink points outside the extraction folder",
    description:
      "A tar or zip entry is a symbolic or hard link whose target is absolute, climbs out of the extraction folder, or goes through another link, so extraction (or a later write through the link) reaches files outside it.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [59, 22],
    references: ["CVE-2025-12060", "CVE-2007-4559", "CVE-2025-58755", "https://peps.python.org/pep-0706/", "https://research.jfrog.com/model-threats/zipslip/"],
  },
  check(doc, { report }) {
    const entries = entryViews(doc);
    const links = new Set(entries.filter(isLink).map((e) => norm(e.name)));
    for (const e of entries) {
      if (!isLink(e) || e.linkTarget === undefined) continue;
      const kind = e.kind as "symlink" | "hardlink";
      const what = `${kind === "symlink" ? "Symlink" : "Hardlink"} ${JSON.stringify(e.name)} -> ${JSON.stringify(e.linkTarget.slice(0, 256))}`;
      const resolved = resolveInside(e.name, e.linkTarget, { kind });
      if (resolved === undefined) {
        report({ message: `${what} points outside the extraction folder`, evidence: `target ${JSON.stringify(e.linkTarget.slice(0, 256))}`, offset: e.offset, member: e.name });
        continue;
      }
      const via = throughLink(e, kind, links);
      if (via !== undefined) {
        report({ message: `${what} goes through link ${JSON.stringify(via)}, so where it lands depends on extraction order`, offset: e.offset, member: e.name });
      }
    }
  },
});

function isLink(e: EntryView): boolean {
  return e.kind === "symlink" || e.kind === "hardlink";
}

/** The first other link the target's path passes through, before any '..' is applied. */
function throughLink(e: EntryView, kind: "symlink" | "hardlink", links: ReadonlySet<string>): string | undefined {
  const self = norm(e.name);
  const base = kind === "symlink" ? self.split("/").slice(0, -1) : [];
  const stack: string[] = [];
  for (const seg of [...base, ...(e.linkTarget ?? "").replace(/\\/g, "/").split("/")]) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") stack.pop();
    else stack.push(seg);
    const here = stack.join("/");
    if (here !== self && links.has(here)) return here;
  }
  return undefined;
}
