import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { mlmodelHandler } from "../../formats/mlflow/index.js";
import { RULES } from "../index.js";
import { MLFLOW_RULES } from "./index.js";

const scan = (yaml: string) => scanSource(new MemorySource(new TextEncoder().encode(yaml)), { path: "MLmodel", handlers: [...FORMAT_HANDLERS, mlmodelHandler], rules: [...RULES, ...MLFLOW_RULES] });

describe("MLF002 bundled code", () => {
  it("flags a flavour that ships a code directory", async () => {
    const report = await scan("artifact_path: model\nflavors:\n  python_function:\n    code: code\n    loader_module: mlflow.sklearn\n");
    expect(report.findings.find((f) => f.ruleId === "MLF002")?.severity).toBe("medium");
  });
  it("does not flag code: null (what MLflow writes without code_paths)", async () => {
    const report = await scan("artifact_path: model\nflavors:\n  sklearn:\n    code: null\n    pickled_model: model.pkl\n");
    expect(report.findings.map((f) => f.ruleId)).not.toContain("MLF002");
  });
});
