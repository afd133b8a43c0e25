import { defineRule } from "../types.js";

/** A symbolic link met while walking a scanned folder. */
export interface SymlinkDocument {
  format: "symlink";
  target: string;
  resolved: string | undefined;
  escapes: boolean;
}

export const fs001 = defineRule<SymlinkDocument>({
  meta: {
    id: "FS001",
    slug: "symlink-escapes-root",
    formats: ["symlink"],
    title: "Symbolic link points outside the scanned folder",
    description: "A file in the model folder is a symlink to a place outside it; loaders follow it and read (or overwrite) whatever it points to, and modelvet does not follow it, so that content is unscanned.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [59, 22],
    references: ["CVE-2026-27489", "https://research.jfrog.com/model-threats/zipslip/"],
  },
  check(doc, { report }) {
    if (!doc.escapes) return;
    report({
      message: `Symlink points outside the scanned folder to ${JSON.stringify(doc.target)}; it was not followed, so its target is not scanned`,
      evidence: doc.resolved ? `resolves to ${doc.resolved}` : "target does not exist",
    });
  },
});
