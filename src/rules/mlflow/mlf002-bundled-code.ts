import type { MlflowModelDocument } from "../../formats/mlflow/parse.js";
import { defineRule } from "../types.js";

export const mlf002 = defineRule<MlflowModelDocument>({
  meta: {
    id: "MLF002",
    slug: "mlflow-bundled-code",
    formats: ["mlflow-model"],
    title: "MLmodel ships Python code (code_paths)",
    description: "A flavour's `code` entry (saved from code_paths) names a directory that MLflow puts on sys.path before loading, so modules in it shadow installed ones and run on import.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [829],
    references: ["https://mlflow.org/docs/latest/model/dependencies.html#saving-extra-code-with-an-mlflow-model"],
  },
  check(doc, { report }) {
    for (const flavor of doc.flavors) {
      if (flavor.code === undefined || flavor.code.trim() === "") continue;
      report({ message: `Flavour ${flavor.name} bundles Python code in ${JSON.stringify(flavor.code)}; it is added to sys.path and imported when the model loads: review the files there`, evidence: `code: ${flavor.code}` });
    }
  },
});
