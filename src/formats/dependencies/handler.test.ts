import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { scanPaths } from "../../node/scan-paths.js";
import { defaultPolicy } from "../../policy/default.js";
import { StingySource } from "../../test-support/stingy-source.js";

const FIXTURES = new URL("../../../fixtures/audit/", import.meta.url).pathname;
const scanText = (name: string, text: string) => scanSource(new MemorySource(new TextEncoder().encode(text)), { path: name });

describe("dependency files in model folders (scan)", () => {
  it("scan of an MLflow model folder reports the declared framework versions", async () => {
    const report = await scanPaths([`${FIXTURES}mlflow_model`], { policy: defaultPolicy() });
    const byName = (name: string) => report.files.find((f) => f.path.endsWith(`/${name}`));
    for (const name of ["requirements.txt", "conda.yaml"]) {
      expect(byName(name)?.findings.some((f) => f.ruleId === "AUD001" && f.message.includes("CVE-2024-27132")), name).toBe(true);
    }
    // python_env.yaml only says `-r requirements.txt`: scan sees one file at a time and says so.
    expect(byName("python_env.yaml")?.notes.join()).toContain("include(s) not followed by scan");
    // The YAML files are still YAML configs for the YAML rules.
    expect(byName("conda.yaml")?.formats).toEqual(["yaml-config", "dependency-audit"]);
    expect(byName("MLmodel")?.formats).toContain("mlflow-model");
  });

  it("keeps the YAML rules on conda.yaml: a Python tag is still caught", async () => {
    const report = await scanText("conda.yaml", "dependencies:\n  - pip:\n    - mlflow==2.10.1\nx: !!python/object/apply:os.system ['id']\n");
    expect(report.findings.map((f) => f.ruleId)).toContain("YML001");
  });

  it("a Hugging Face repo's requirements.txt: pinned keras and ranged torch", async () => {
    const report = await scanText("requirements.txt", readFileSync(`${FIXTURES}hf_repo/requirements.txt`, "utf8"));
    expect(report.findings.filter((f) => f.ruleId === "AUD001").map((f) => f.message).join()).toContain("keras 3.10.0");
    expect(report.findings.map((f) => f.ruleId)).toContain("AUD003");
  });

  it("a pickle named requirements.txt is still scanned as a pickle", async () => {
    for (const payload of ["cos\nsystem\n(S'echo hi'\ntR.", "cos\nsystem\n2(S'id'\ntR."]) {
      const report = await scanText("requirements.txt", payload);
      expect(report.findings.map((f) => f.ruleId)).toContain("PKL001");
    }
  });

  it("reads through a stingy source like through memory", async () => {
    const bytes = new TextEncoder().encode(readFileSync(`${FIXTURES}mlflow_model/conda.yaml`, "utf8"));
    const stingy = await scanSource(new StingySource(bytes), { path: "conda.yaml" });
    const memory = await scanSource(new MemorySource(bytes), { path: "conda.yaml" });
    expect(stingy.findings.map((f) => f.message)).toEqual(memory.findings.map((f) => f.message));
    expect(stingy.findings.length).toBeGreaterThan(0);
  });

  it("does not flag a requirements.txt at the fixed versions, and leaves other .txt files alone", async () => {
    expect((await scanText("requirements.txt", "torch==2.6.0\nmlflow==2.10.1\n")).findings).toEqual([]);
    expect((await scanText("notes.txt", "mlflow==2.9.0\n")).formats).not.toContain("dependency-audit");
  });
});
