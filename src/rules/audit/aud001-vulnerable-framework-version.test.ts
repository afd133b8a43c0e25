import { describe, expect, it } from "vitest";
import { auditFindings } from "../../test-support/audit.js";

describe("AUD001 vulnerable framework version", () => {
  it("flags torch pinned below the CVE-2025-32434 fix with ids, range, fix and impact", () => {
    const finding = auditFindings("torch==2.5.1\n").find((f) => f.ruleId === "AUD001" && f.message.includes("GHSA-53q9-r3pm-6pq6"));
    expect(finding?.severity).toBe("high");
    expect(finding?.message).toContain("CVE-2025-32434");
    expect(finding?.message).toContain("upgrade to 2.6.0");
    expect(finding?.evidence).toContain("affected: < 2.6.0");
    expect(finding?.evidence).toContain("advisory severity: critical");
    expect(finding?.evidence).toContain("for loading models: torch.load(..., weights_only=True)");
  });
  it("flags an H2O Gradle lock entry with no fixed version", () => {
    const finding = auditFindings({ kind: "gradle-lock", dependencies: [{ ecosystem: "Maven", name: "ai.h2o:h2o-core", pinning: "exact", version: "3.44.0.3" }], problems: [], notes: [] }).find((f) => f.ruleId === "AUD001");
    expect(finding?.message).toContain("CVE-2024-6960");
    expect(finding?.message).toContain("no fixed version is published");
  });
  it("does not flag torch at the fix, or a ranged torch (that is AUD003)", () => {
    expect(auditFindings("torch==2.6.0\n").map((f) => f.ruleId)).not.toContain("AUD001");
    expect(auditFindings("torch>=2.0\n").map((f) => f.ruleId)).not.toContain("AUD001");
  });
});
