import { describeDependency, whereOf } from "../../audit/document.js";
import type { AdvisoryMatch } from "../../audit/match.js";

/** `GHSA-…, CVE-…, PYSEC-…`: the ids a user searches for, advisory id first. */
export function idsText(match: AdvisoryMatch): string {
  return match.ids.join(", ");
}

/** The evidence line every audit finding carries: range, fix, rating, impact, source. */
export function matchEvidence(match: AdvisoryMatch): string {
  const parts = [
    `ids: ${idsText(match)}`,
    `affected: ${match.affectedRange}`,
    `fixed: ${match.fixed ?? "no fixed version published"}`,
    `advisory severity: ${match.severity ?? "not rated"}`,
    `for loading models: ${match.impact}`,
  ];
  const where = whereOf(match.dependency);
  if (where) parts.push(`declared at: ${where}`);
  if (match.dependency.marker) parts.push(`marker (not evaluated): ${match.dependency.marker}`);
  if (match.url) parts.push(`see: ${match.url}`);
  return parts.join("; ");
}

export function affectedMessage(match: AdvisoryMatch): string {
  const fix = match.fixed ? `upgrade to ${match.fixed} or later` : "no fixed version is published: avoid loading untrusted models with it";
  return `${describeDependency(match.dependency)} is affected by ${match.ids[0]}${match.ids.length > 1 ? ` (${match.ids.slice(1).join(", ")})` : ""}, ${match.severity ?? "unrated"}: ${match.summary}; ${fix}`;
}

/** Matches affected ones: high/critical, or unrated (fail closed), go to AUD001; the rest to AUD002. */
export function isSerious(match: AdvisoryMatch): boolean {
  return match.severity === undefined || match.severity === "critical" || match.severity === "high";
}
