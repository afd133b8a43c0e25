import { describe, expect, it } from "vitest";
import { bundledAdvisoryDb, BUNDLED_PYPA, CURATED } from "./data/index.js";
import { auditDependencies } from "./match.js";
import { advisorySeverity, buildAdvisoryDb, cvss3BaseScore, osvProblem } from "./osv.js";
import type { Dependency } from "./types.js";

const db = bundledAdvisoryDb();
const pin = (name: string, version: string, ecosystem: Dependency["ecosystem"] = "PyPI"): Dependency => ({ ecosystem, name, pinning: "exact", version });
const ids = (dep: Dependency): string[] => auditDependencies([dep], db).matches.flatMap((m) => m.ids);

describe("seed advisories", () => {
  it.each([
    ["mlflow", "2.9.0", "CVE-2024-27132", "2.10.0"],
    ["torch", "2.5.1", "CVE-2025-32434", "2.6.0"],
    ["keras", "3.8.0", "CVE-2025-1550", "3.9.0"],
    ["keras", "3.10.0", "CVE-2025-8747", "3.11.0"],
    ["keras", "3.10.0", "CVE-2025-9906", "3.11.0"],
    ["keras", "3.11.2", "CVE-2025-9905", "3.11.3"],
  ])("%s %s is affected by %s, fixed in %s", (name, version, cve, fixed) => {
    const match = auditDependencies([pin(name, version)], db).matches.find((m) => m.ids.includes(cve));
    expect(match?.status).toBe("affected");
    expect(match?.fixed).toBe(fixed);
    expect(auditDependencies([pin(name, fixed)], db).matches.flatMap((m) => m.ids)).not.toContain(cve);
  });

  it("H2O CVE-2024-6960 affects ai.h2o:h2o-core up to 3.46.0.4 with no fix", () => {
    const match = auditDependencies([pin("ai.h2o:h2o-core", "3.46.0.4", "Maven")], db).matches.find((m) => m.ids.includes("CVE-2024-6960"));
    expect(match?.fixed).toBeUndefined();
    expect(match?.severity).toBe("high");
    expect(ids(pin("ai.h2o:h2o-core", "3.46.0.5", "Maven"))).not.toContain("CVE-2024-6960");
  });

  it("MLeap CVE-2023-5245 affects mleap-tensorflow 0.18.0 to 0.23.0 under any Scala suffix", () => {
    expect(ids(pin("ml.combust.mleap:mleap-tensorflow_2.12", "0.23.0", "Maven"))).toContain("CVE-2023-5245");
    expect(ids(pin("ml.combust.mleap:mleap-tensorflow_2.13", "0.18.0", "Maven"))).toContain("CVE-2023-5245");
    expect(ids(pin("ml.combust.mleap:mleap-tensorflow_2.12", "0.23.1", "Maven"))).not.toContain("CVE-2023-5245");
    expect(ids(pin("ml.combust.mleap:mleap-tensorflow_2.12", "0.17.0", "Maven"))).not.toContain("CVE-2023-5245");
    expect(ids(pin("ml.combust.mleap:mleap-runtime_2.12", "0.22.0", "Maven"))).not.toContain("CVE-2023-5245");
  });

  it("keras 3.9.0 is past CVE-2025-1550 but not past its bypasses", () => {
    const found = ids(pin("keras", "3.9.0"));
    expect(found).not.toContain("CVE-2025-1550");
    expect(found).toEqual(expect.arrayContaining(["CVE-2025-8747", "CVE-2025-9906"]));
  });
});

describe("benign near-misses and their mirror images", () => {
  it.each([
    ["torch", "2.6.0"],
    ["torch", "2.6.0+cpu"],
    ["torch", "2.7.0rc1"],
    ["torch", "1!1.0.0"],
    ["mlflow", "2.10.1"],
    ["mlflow", "2.10.1.post1"],
    ["keras", "3.12.0"],
    ["joblib", "1.2.0"],
  ])("%s %s matches nothing", (name, version) => expect(ids(pin(name, version))).toEqual([]));

  it.each([
    ["torch", "2.5.1+cu121", "CVE-2025-32434"],
    ["torch", "2.6.0rc1", "CVE-2025-32434"],
    ["torch", "0!2.5.1", "CVE-2025-32434"],
    ["mlflow", "2.9.2.post1", "CVE-2024-27132"],
    ["keras", "3.11.0", "CVE-2025-49655"],
  ])("%s %s matches %s", (name, version, cve) => expect(ids(pin(name, version))).toContain(cve));

  it("normalises names (case, separators, tensorflow-cpu)", () => {
    expect(ids(pin("MLFlow", "2.9.0"))).toContain("CVE-2024-27132");
    expect(ids(pin("tensorflow_cpu", "2.4.0")).length).toBeGreaterThan(0);
  });
});

describe("ranges and unpinned requirements", () => {
  const range = (name: string, specifier: string): Dependency => ({ ecosystem: "PyPI", name, pinning: "range", specifier });
  it("reports a range that reaches an affected version as may-resolve", () => {
    const m = auditDependencies([range("torch", ">=2.0,<2.7")], db).matches.find((x) => x.ids.includes("CVE-2025-32434"));
    expect(m?.status).toBe("may-resolve");
  });
  it("does not report a range above every fix", () => {
    expect(auditDependencies([range("torch", ">=2.6")], db).matches.filter((m) => m.ids.includes("CVE-2025-32434"))).toEqual([]);
  });
  it("reports an unpinned requirement as may-resolve", () => {
    expect(auditDependencies([{ ecosystem: "PyPI", name: "keras", pinning: "any" }], db).matches.every((m) => m.status === "may-resolve")).toBe(true);
  });
  it("reports a version it cannot read instead of calling it clean", () => {
    const result = auditDependencies([pin("torch", "not-a-version")], db);
    expect(result.matches).toEqual([]);
    expect(result.unreadable[0]?.reason).toMatch(/not a valid PEP 440/);
  });
});

describe("bundled data", () => {
  it("every entry passes the OSV shape check and cites its source", () => {
    for (const a of [...BUNDLED_PYPA.advisories, ...CURATED.advisories]) {
      expect(osvProblem(a)).toBeUndefined();
      expect(a.database_specific?.source, a.id).toMatch(/\S/);
    }
  });
  it("merges a PYSEC and a GHSA entry for the same CVE into one advisory", () => {
    const torch = db.byPackage.get("PyPI:torch") ?? [];
    expect(torch.filter((a) => [a.id, ...(a.aliases ?? [])].includes("CVE-2025-32434"))).toHaveLength(1);
  });
});

describe("OSV model", () => {
  it("computes CVSS v3 base scores", () => {
    expect(cvss3BaseScore("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H")).toBe(7.5);
    expect(cvss3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).toBe(9.8);
    expect(cvss3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H")).toBe(10);
    expect(cvss3BaseScore("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:N")).toBe(0);
    expect(cvss3BaseScore("nonsense")).toBeUndefined();
  });
  it("prefers the GHSA rating, then CVSS, and leaves unrated entries unrated", () => {
    const base = { id: "X", affected: [] };
    expect(advisorySeverity({ ...base, database_specific: { severity: "MODERATE" } })).toBe("medium");
    expect(advisorySeverity({ ...base, severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }] })).toBe("critical");
    expect(advisorySeverity(base)).toBeUndefined();
  });
  it("rejects entries without the fields the matcher needs", () => {
    expect(osvProblem({ id: "X" })).toMatch(/affected/);
    expect(osvProblem({ id: "X", affected: [{ package: { ecosystem: "PyPI", name: "torch" }, ranges: [{ type: "ECOSYSTEM", events: [{ fixed: 2 }] }] }] })).toMatch(/event/);
    expect(osvProblem("x")).toMatch(/not an object/);
  });
  it("lets a later source replace an entry with the same id", () => {
    const entry = (fixed: string) => ({ id: "GHSA-x", affected: [{ package: { ecosystem: "PyPI", name: "torch" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }] }] });
    const merged = buildAdvisoryDb([{ source: "a", advisories: [entry("1.0")] }, { source: "b", advisories: [entry("2.0")] }]);
    expect(auditDependencies([pin("torch", "1.5")], merged).matches).toHaveLength(1);
  });
});
