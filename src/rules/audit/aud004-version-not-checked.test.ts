import { describe, expect, it } from "vitest";
import { auditFindings } from "../../test-support/audit.js";

describe("AUD004 version not checked", () => {
  it("flags a version that is not PEP 440 for a package with advisories", () => {
    const finding = auditFindings({ kind: "conda-meta", dependencies: [{ ecosystem: "PyPI", name: "torch", pinning: "exact", version: "2.5.1-cuda_x" }], problems: [], notes: [] }).find((f) => f.ruleId === "AUD004");
    expect(finding?.message).toMatch(/not a valid PEP 440/);
  });
  it("does not flag odd versions of packages without advisories", () => {
    expect(auditFindings({ kind: "conda-meta", dependencies: [{ ecosystem: "PyPI", name: "libgcc", pinning: "exact", version: "13.2.0-h77fa898_7" }], problems: [], notes: [] })).toEqual([]);
  });
});
