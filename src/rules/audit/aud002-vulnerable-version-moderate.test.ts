import { describe, expect, it } from "vitest";
import { auditFindings } from "../../test-support/audit.js";

describe("AUD002 moderate or low advisory", () => {
  it("flags keras 3.11.3 for the moderate CVE-2025-12058 only", () => {
    const findings = auditFindings("keras==3.11.3\n");
    expect(findings.find((f) => f.ruleId === "AUD002")?.message).toContain("CVE-2025-12058");
    expect(findings.find((f) => f.ruleId === "AUD002")?.severity).toBe("medium");
    expect(findings.filter((f) => f.ruleId === "AUD002" && f.message.includes("CVE-2025-12060"))).toEqual([]);
  });
  it("does not flag keras at 3.12.0", () => {
    expect(auditFindings("keras==3.12.0\n").map((f) => f.ruleId)).not.toContain("AUD002");
  });
});
