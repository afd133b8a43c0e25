import type { PythonModuleDocument } from "../../formats/python/analyze.js";
import { defineRule } from "../types.js";
import { EFFECT_LABEL, PYTHON_MODULE_FORMATS, effectEvidence, tiedText } from "./shared.js";

export const py002 = defineRule<PythonModuleDocument>({
  meta: {
    id: "PY002",
    slug: "python-deferred-effect",
    formats: PYTHON_MODULE_FORMATS,
    title: "Model code acts on the machine when the model is built or called",
    description: "A function or method in a Python file that loading the model imports starts processes, opens connections, downloads, writes files, evaluates strings, loads native code or unpickles; it runs when the loader builds the model (__init__, from_pretrained, _load_pyfunc) or calls it. Also: tied code that could not be judged in full (time limit, nesting CPython refuses).",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [94, 829],
    references: ["https://huggingface.co/docs/transformers/main/en/custom_models", "https://mlflow.org/docs/latest/python_api/mlflow.pyfunc.html"],
  },
  check(doc, { report }) {
    // Fail closed, but not as proof: code that runs on load and could not be read in full.
    if (doc.unjudged !== undefined) {
      report({ message: `${doc.path} runs on load (${tiedText(doc)}) but could not be judged in full: ${doc.unjudged}`, evidence: `${doc.size} bytes` });
    }
    for (const effect of doc.effects) {
      if (effect.importTime) continue;
      report({
        message: `${doc.path} line ${effect.line}: ${effect.callee}(…) ${EFFECT_LABEL[effect.kind]} inside a function; it runs when ${tiedText(doc)} has the model built or called`,
        evidence: effectEvidence(effect),
      });
    }
  },
});
