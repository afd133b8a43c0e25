import { describe, expect, it } from "vitest";
import { summarize, verdictOf, type FileReport, type Finding, type ScanReport } from "../core/finding.js";
import { applyBaseline, parseBaseline, renderBaseline } from "./baseline.js";

const finding = (ruleId: string, evidence: string, offset = 0): Finding => ({ ruleId, severity: "critical", confidence: "high", message: "m", location: { offset }, evidence });

function reportOf(findings: Finding[]): ScanReport {
  const file: FileReport = { path: "m.pkl", verdict: verdictOf(findings, []), formats: [], findings, errors: [], notes: [] };
  return { schemaVersion: 1, tool: { name: "modelvet", version: "0" }, files: [file], summary: summarize([file]) };
}

describe("baseline", () => {
  it("suppresses known findings (even at another offset), keeps new ones active", () => {
    const before = reportOf([finding("PKL001", "os.system", 10)]);
    const parsed = parseBaseline(renderBaseline(before));
    if ("error" in parsed) throw new Error(parsed.error);
    const after = applyBaseline(reportOf([finding("PKL001", "os.system", 99), finding("PKL001", "subprocess.Popen")]), parsed.fingerprints, "b.json");
    const [known, fresh] = after.files[0]!.findings;
    expect(known?.suppressed).toEqual({ kind: "baseline", reason: "in the baseline b.json" });
    expect(fresh?.suppressed).toBeUndefined();
    expect(after.summary).toMatchObject({ suppressed: 1, findings: { critical: 1 } });
  });

  it("a fully baselined file is clean and counts nothing, but its findings are still listed", () => {
    const report = reportOf([finding("PKL001", "os.system")]);
    const parsed = parseBaseline(renderBaseline(report)) as { fingerprints: Set<string> };
    const after = applyBaseline(report, parsed.fingerprints, "b.json");
    expect(after.files[0]?.verdict).toBe("clean");
    expect(after.files[0]?.findings).toHaveLength(1);
    expect(after.summary.findings.critical).toBe(0);
  });

  it("refuses what is not a baseline", () => {
    expect(parseBaseline("[]")).toMatchObject({ error: expect.stringContaining("is not a modelvet baseline") });
    expect(parseBaseline("{")).toEqual({ error: "is not JSON" });
  });
});
