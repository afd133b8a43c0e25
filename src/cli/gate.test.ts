import { describe, expect, it } from "vitest";
import { summarize, verdictOf, type FileReport, type Finding, type ScanError } from "../core/finding.js";
import { gateExitCode } from "./gate.js";

function reportOf(findings: Finding[], errors: ScanError[] = []) {
  const file: FileReport = { path: "m.pkl", verdict: verdictOf(findings, errors), formats: [], findings, errors, notes: [] };
  return { schemaVersion: 1 as const, tool: { name: "modelvet" as const, version: "0" }, files: [file], summary: summarize([file]) };
}

const high: Finding = { ruleId: "PKL002", severity: "high", confidence: "high", message: "m", location: {} };
const truncated: ScanError = { code: "truncated", message: "m", location: {} };

describe("gateExitCode", () => {
  it("fails on a finding at or above the threshold, passes below it", () => {
    expect(gateExitCode(reportOf([high]), "high")).toBe(1);
    expect(gateExitCode(reportOf([high]), "medium")).toBe(1);
    expect(gateExitCode(reportOf([high]), "critical")).toBe(0);
  });

  it("fails closed on any file that was not fully scanned, even one with a worse verdict", () => {
    expect(gateExitCode(reportOf([], [truncated]), "critical")).toBe(1);
    expect(gateExitCode(reportOf([high], [truncated]), "critical")).toBe(1);
  });

  it("passes a clean scan", () => {
    expect(gateExitCode(reportOf([]), "low")).toBe(0);
  });

  it("exits 3 when nothing was scanned", () => {
    const empty = { schemaVersion: 1 as const, tool: { name: "modelvet" as const, version: "0" }, files: [], summary: summarize([]) };
    expect(gateExitCode(empty, "low")).toBe(3);
  });

  it("counts a file with an error but a worse verdict as incomplete, so the summary explains exit 1", () => {
    const report = reportOf([high], [truncated]);
    expect(report.summary).toMatchObject({ unsafe: 1, error: 0, incomplete: 1 });
    expect(gateExitCode(report, "critical")).toBe(1);
  });

});
