import { describe, expect, it } from "vitest";
import { summarize, verdictOf, type FileReport, type Finding, type ScanReport } from "../core/finding.js";
import { applySuppressions } from "./suppressions.js";

const pkl001: Finding = { ruleId: "PKL001", severity: "critical", confidence: "high", message: "m", location: {} };

function reportOf(path: string, findings: Finding[]): ScanReport {
  const file: FileReport = { path, verdict: verdictOf(findings, []), formats: [], findings, errors: [], notes: [] };
  return { schemaVersion: 1, tool: { name: "modelvet", version: "0" }, files: [file], summary: summarize([file]) };
}

describe("applySuppressions", () => {
  const entry = { path: "legacy/**", rule: "PKL001", reason: "vendored fixture, never loaded" };

  it("suppresses a matching rule and path with the reason; the finding stays listed", () => {
    const after = applySuppressions(reportOf("./legacy/a/x.pkl", [pkl001]), [entry], "2026-12-06");
    expect(after.files[0]?.findings[0]?.suppressed).toEqual({ kind: "policy", reason: "vendored fixture, never loaded" });
    expect(after.files[0]?.verdict).toBe("clean");
    expect(after.summary).toMatchObject({ suppressed: 1, findings: { critical: 0 } });
  });

  it("does not suppress another rule or another path", () => {
    expect(applySuppressions(reportOf("models/x.pkl", [pkl001]), [entry], "2026-12-06").summary.suppressed).toBe(0);
    expect(applySuppressions(reportOf("legacy/x.pkl", [{ ...pkl001, ruleId: "PKL002" }]), [entry], "2026-12-06").summary.suppressed).toBe(0);
  });

  it("an expired suppression is active again, with a note; the day before it still applies", () => {
    const expiring = { ...entry, expires: "2026-12-06" };
    const expired = applySuppressions(reportOf("legacy/x.pkl", [pkl001]), [expiring], "2026-12-06");
    expect(expired.files[0]?.findings[0]?.suppressed).toBeUndefined();
    expect(expired.files[0]?.verdict).toBe("unsafe");
    expect(expired.files[0]?.notes.join("\n")).toContain("expired on 2026-12-06");
    const before = applySuppressions(reportOf("legacy/x.pkl", [pkl001]), [expiring], "2026-12-05");
    expect(before.files[0]?.findings[0]?.suppressed?.reason).toBe("vendored fixture, never loaded (until 2026-12-06)");
  });
});
