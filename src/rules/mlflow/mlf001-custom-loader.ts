import type { MlflowModelDocument } from "../../formats/mlflow/parse.js";
import { defineRule } from "../types.js";

/** Packages a flavour's `model_class` may come from (the flavour's own library, or MLflow). */
const MODEL_CLASS_ROOTS = new Set(["mlflow", "sklearn", "xgboost", "lightgbm", "catboost"]);
/** Pickle modules MLflow's PyTorch flavour accepts without new code. */
const PICKLE_MODULES = new Set(["pickle", "cloudpickle", "dill", "mlflow.pytorch.pickle_module"]);

export const mlf001 = defineRule<MlflowModelDocument>({
  meta: {
    id: "MLF001",
    slug: "mlflow-custom-loader",
    formats: ["mlflow-model"],
    title: "MLmodel loads the model with code outside MLflow",
    description: "A flavour names a loader_module outside mlflow.*, a model_class outside the flavour's library, or a custom pickle_module_name: mlflow.pyfunc.load_model imports and runs that module.",
    defaultSeverity: "high",
    confidence: "medium",
    cwe: [94, 829],
    references: ["https://mlflow.org/docs/latest/python_api/mlflow.pyfunc.html", "CVE-2024-37052", "CVE-2024-27132"],
  },
  check(doc, { report }) {
    for (const flavor of doc.flavors) {
      if (flavor.loaderModule !== undefined && !flavor.loaderModule.startsWith("mlflow.")) {
        report({ message: `Flavour ${flavor.name} loads through loader_module ${JSON.stringify(flavor.loaderModule)}, which is not part of MLflow: loading the model imports it and calls its _load_pyfunc`, evidence: `loader_module: ${flavor.loaderModule}` });
      }
      if (flavor.modelClass !== undefined) {
        const root = flavor.modelClass.split(".")[0] ?? "";
        if (root !== flavor.name && !MODEL_CLASS_ROOTS.has(root)) {
          report({ message: `Flavour ${flavor.name} names model_class ${JSON.stringify(flavor.modelClass)} outside its library: MLflow imports that class by name when loading`, evidence: `model_class: ${flavor.modelClass}` });
        }
      }
      if (flavor.pickleModule !== undefined && !PICKLE_MODULES.has(flavor.pickleModule)) {
        report({ message: `Flavour ${flavor.name} unpickles with pickle_module_name ${JSON.stringify(flavor.pickleModule)}: MLflow imports that module and hands it the model bytes`, evidence: `pickle_module_name: ${flavor.pickleModule}` });
      }
    }
  },
});
