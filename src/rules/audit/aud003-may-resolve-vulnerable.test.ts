import { describe, expect, it } from "vitest";
import { auditFindings } from "../../test-support/audit.js";

describe("AUD003 may resolve to a vulnerable version", () => {
  it("flags a range that reaches below the fix, once per requirement", () => {
    const findings = auditFindings("keras>=3.0\n").filter((f) => f.ruleId === "AUD003");
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe("low");
    expect(findings[0]?.message).toContain("GHSA-48g7-3x6r-xfhp");
    expect(findings[0]?.evidence).toContain("CVE-2025-1550");
  });
  it("flags an unpinned requirement", () => {
    expect(auditFindings("mlflow\n").map((f) => f.ruleId)).toContain("AUD003");
  });
  it("does not flag a range above every fix", () => {
    expect(auditFindings("keras>=3.12\ntorch~=2.6.0\n").map((f) => f.ruleId)).not.toContain("AUD003");
  });
});
