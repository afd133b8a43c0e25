import type { PythonModuleDocument } from "../../formats/python/analyze.js";
import { defineRule } from "../types.js";
import { PYTHON_MODULE_FORMATS, tiedText } from "./shared.js";

export const py003 = defineRule<PythonModuleDocument>({
  meta: {
    id: "PY003",
    slug: "python-model-code",
    formats: PYTHON_MODULE_FORMATS,
    title: "Model folder ships Python code that loading runs",
    description: "A Python file is tied to the model (MLflow loader_module / code paths, Hugging Face auto_map) and is imported on load; nothing in it acts on the machine (only definitions, imports and plain statements). Information: review it like any dependency.",
    defaultSeverity: "info",
    confidence: "high",
    cwe: [829],
    references: ["https://huggingface.co/docs/transformers/main/en/custom_models"],
  },
  check(doc, { report }) {
    if (doc.effects.length > 0 || doc.unjudged !== undefined) return;
    const other = doc.otherTopLevel > 0 ? `, ${doc.otherTopLevel} other top-level statement(s)` : "";
    report({
      message: `${doc.path} runs on load (${tiedText(doc)}): ${doc.classes} class(es), ${doc.functions} function(s)${other}; no process, network, download, file-write or eval calls`,
      evidence: doc.truncated ? `only the first ${doc.size} bytes were parsed` : `${doc.size} bytes, ${doc.syntaxErrors} syntax error(s)`,
    });
  },
});
