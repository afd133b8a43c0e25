import { expect } from "vitest";
import type { FileReport } from "../core/finding.js";
import { scanBytes } from "./scan.js";

/** Scans bytes and asserts that `ruleId` is (or is not) among the findings. */
export async function expectRule(bytes: Uint8Array, ruleId: string, present: boolean): Promise<FileReport> {
  const report = await scanBytes(bytes);
  const ids = report.findings.map((f) => f.ruleId);
  if (present) expect(ids, JSON.stringify(report.findings, null, 1)).toContain(ruleId);
  else expect(ids, JSON.stringify(report.findings, null, 1)).not.toContain(ruleId);
  return report;
}
