import { globRegExp } from "../core/glob.js";
import { summarize, verdictOf, type FileReport, type Finding, type ScanReport } from "../core/finding.js";
import type { SuppressionData } from "../policy/policy.js";

/**
 * Applies a policy's `suppressions`: a finding of the named rule in a file whose reported path
 * matches the glob is marked suppressed with the entry's reason (kept in every report, not
 * counted). An entry past its `expires` day no longer applies: the finding is active again and
 * the file gets a note saying the suppression expired.
 *
 * @example
 * applySuppressions(report, [{ path: "legacy/**", rule: "PKL001", reason: "vendored, sandboxed" }], "2026-12-06");
 */
export function applySuppressions(report: ScanReport, suppressions: readonly SuppressionData[], today: string): ScanReport {
  if (suppressions.length === 0) return report;
  const compiled = suppressions.map((entry) => ({ entry, regex: globRegExp(entry.path.replace(/^\.\//, "")) }));
  const files: FileReport[] = report.files.map((file) => {
    const path = file.path.replace(/^\.\//, "");
    const notes = [...file.notes];
    const findings = file.findings.map((finding): Finding => {
      if (finding.suppressed !== undefined) return finding;
      const match = compiled.find(({ entry, regex }) => entry.rule === finding.ruleId && regex.test(path));
      if (match === undefined) return finding;
      const { entry } = match;
      if (entry.expires !== undefined && entry.expires <= today) {
        const note = `The policy suppression of ${entry.rule} for ${JSON.stringify(entry.path)} expired on ${entry.expires} (reason was: ${entry.reason}); the finding is active again.`;
        if (!notes.includes(note)) notes.push(note);
        return finding;
      }
      const until = entry.expires === undefined ? "" : ` (until ${entry.expires})`;
      return { ...finding, suppressed: { kind: "policy", reason: `${entry.reason}${until}` } };
    });
    return { ...file, findings, notes, verdict: verdictOf(findings, file.errors) };
  });
  return { ...report, files, summary: summarize(files) };
}
