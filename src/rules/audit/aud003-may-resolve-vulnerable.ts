import { AUDIT_FORMAT, describeDependency, whereOf, type AuditDocument } from "../../audit/document.js";
import type { AdvisoryMatch } from "../../audit/match.js";
import { defineRule } from "../types.js";

/** Advisory ids listed in one finding's message; the evidence carries the rest (CWE-400: report size). */
const MAX_IDS_IN_MESSAGE = 5;

export const aud003 = defineRule<AuditDocument>({
  meta: {
    id: "AUD003",
    slug: "may-resolve-vulnerable",
    formats: [AUDIT_FORMAT],
    title: "Unpinned or ranged ML requirement may resolve to a vulnerable version",
    description: "A requirement without an exact version (a range or no constraint) allows versions of a model-loading package that known advisories affect.",
    defaultSeverity: "low",
    confidence: "medium",
    cwe: [1395],
    references: ["https://osv.dev", "https://pip.pypa.io/en/stable/topics/repeatable-installs/"],
  },
  check(doc, { report }) {
    const byDependency = new Map<string, AdvisoryMatch[]>();
    for (const match of doc.matches) {
      if (match.status !== "may-resolve") continue;
      const key = `${match.dependency.name}|${match.dependency.specifier ?? ""}|${match.dependency.line ?? ""}|${match.dependency.from ?? ""}`;
      byDependency.set(key, [...(byDependency.get(key) ?? []), match]);
    }
    for (const matches of byDependency.values()) {
      const first = matches[0] as AdvisoryMatch;
      const dep = first.dependency;
      const ids = matches.map((m) => m.ids[0] as string);
      const aliases = matches.flatMap((m) => m.ids.slice(1));
      const shown = ids.slice(0, MAX_IDS_IN_MESSAGE).join(", ") + (ids.length > MAX_IDS_IN_MESSAGE ? ` and ${ids.length - MAX_IDS_IN_MESSAGE} more` : "");
      const fixes = matches.map((m) => m.fixed).filter((f): f is string => f !== undefined);
      const unfixed = matches.length - fixes.length;
      const advice = `pin a version outside every affected range${unfixed > 0 ? ` (${unfixed} advisor${unfixed === 1 ? "y has" : "ies have"} no fix)` : ""}`;
      const worst = matches.some((m) => m.severity === "critical") ? "critical" : matches.some((m) => m.severity === "high" || m.severity === undefined) ? "high" : "moderate";
      const evidence = [
        `advisories: ${matches.map((m) => `${m.ids.join("/")} affected ${m.affectedRange} fixed ${m.fixed ?? "none"} (${m.severity ?? "unrated"})`).join("; ")}`,
        `for loading models: ${first.impact}`,
      ];
      const where = whereOf(dep);
      if (where) evidence.push(`declared at: ${where}`);
      if (aliases.length > 0) evidence.push(`aliases: ${[...new Set(aliases)].join(", ")}`);
      report({ message: `${describeDependency(dep)} may resolve to a version affected by ${matches.length} known advisor${matches.length === 1 ? "y" : "ies"} (worst ${worst}): ${shown}; ${advice}`, evidence: evidence.join("; ") });
    }
  },
});
