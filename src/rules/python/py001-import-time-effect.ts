import type { PythonModuleDocument } from "../../formats/python/analyze.js";
import { defineRule } from "../types.js";
import { EFFECT_LABEL, PYTHON_MODULE_FORMATS, effectEvidence, tiedText } from "./shared.js";

export const py001 = defineRule<PythonModuleDocument>({
  meta: {
    id: "PY001",
    slug: "python-import-time-effect",
    formats: PYTHON_MODULE_FORMATS,
    title: "Model code acts on the machine as soon as it is imported",
    description: "A Python file that loading the model imports (MLflow loader_module / code paths, Hugging Face auto_map with trust_remote_code) starts processes, opens connections, downloads, writes files, evaluates strings, loads native code or unpickles at import time: module level, class bodies, decorators or default values.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [94, 829],
    references: ["https://huggingface.co/docs/transformers/main/en/custom_models", "https://mlflow.org/docs/latest/python_api/mlflow.pyfunc.html", "CVE-2024-37052"],
  },
  check(doc, { report }) {
    for (const effect of doc.effects) {
      if (!effect.importTime) continue;
      report({
        message: `${doc.path} line ${effect.line}: ${effect.callee}(…) ${EFFECT_LABEL[effect.kind]} at import time; ${tiedText(doc)} makes loading the model import this file`,
        evidence: effectEvidence(effect),
      });
    }
  },
});
