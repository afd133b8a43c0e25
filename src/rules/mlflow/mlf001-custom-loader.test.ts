import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { mlmodelHandler } from "../../formats/mlflow/index.js";
import { RULES } from "../index.js";
import { MLFLOW_RULES } from "./index.js";

const scan = (yaml: string) => scanSource(new MemorySource(new TextEncoder().encode(yaml)), { path: "MLmodel", handlers: [...FORMAT_HANDLERS, mlmodelHandler], rules: [...RULES, ...MLFLOW_RULES] });
const hits = async (yaml: string) => (await scan(yaml)).findings.filter((f) => f.ruleId === "MLF001").map((f) => f.evidence);

describe("MLF001 custom loader", () => {
  it("flags a loader_module, model_class and pickle_module_name outside MLflow", async () => {
    expect(await hits("flavors:\n  python_function:\n    loader_module: my_pkg.loader\n    data: model\n")).toEqual(["loader_module: my_pkg.loader"]);
    expect(await hits("flavors:\n  xgboost:\n    data: model.xgb\n    model_class: os.system\n")).toEqual(["model_class: os.system"]);
    expect(await hits("flavors:\n  python_function:\n    loader_module: mlflow.pytorch\n    pickle_module_name: evil_pickle\n")).toEqual(["pickle_module_name: evil_pickle"]);
  });
  it("accepts MLflow's own loaders and library model classes", async () => {
    const yaml = "flavors:\n  python_function:\n    loader_module: mlflow.xgboost\n    pickle_module_name: mlflow.pytorch.pickle_module\n  xgboost:\n    model_class: xgboost.sklearn.XGBClassifier\n";
    expect(await hits(yaml)).toEqual([]);
  });
});
