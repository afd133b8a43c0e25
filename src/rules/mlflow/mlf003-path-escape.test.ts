import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { mlmodelHandler } from "../../formats/mlflow/index.js";
import { RULES } from "../index.js";
import { MLFLOW_RULES } from "./index.js";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/mlflow/${name}`, import.meta.url)));
const scan = (bytes: Uint8Array) => scanSource(new MemorySource(bytes), { path: "MLmodel", handlers: [...FORMAT_HANDLERS, mlmodelHandler], rules: [...RULES, ...MLFLOW_RULES] });

describe("MLF003 path escape", () => {
  it("flags '..', absolute paths and file:// URIs in the paths MLflow loads", async () => {
    const report = await scan(fixture("malicious/path_escape_model/MLmodel"));
    expect(report.findings.filter((f) => f.ruleId === "MLF003").map((f) => f.evidence)).toEqual([
      "env.conda: /etc/passwd",
      "model_path: ../../../../tmp/staged/model.pkl",
      "pickled_model: file:///srv/shared/model.pkl#fragment",
    ]);
    expect(report.verdict).toBe("suspicious");
  });
  it("accepts MLflow's own relative layout", async () => {
    for (const name of ["benign/sklearn_model/MLmodel", "benign/pyfunc_python_model/MLmodel", "benign/pytorch_model/MLmodel"]) {
      const report = await scan(fixture(name));
      expect(report.findings, name).toEqual([]);
    }
  });
});
