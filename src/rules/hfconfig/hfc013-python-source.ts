import type { PythonSourceDocument } from "../../formats/hf-config/python-source.js";
import { defineRule } from "../types.js";

export const hfc013 = defineRule<PythonSourceDocument>({
  meta: {
    id: "HFC013",
    slug: "python-source",
    formats: ["python-source"],
    title: "Python source bundled with the model",
    description: "A Python file sits in the model folder or archive; it runs on load when a config's `auto_map` names it and the user passes `trust_remote_code=True` (HFC001), and should be reviewed like any code.",
    defaultSeverity: "info",
    confidence: "high",
    cwe: [94],
    references: ["https://huggingface.co/docs/transformers/main/en/custom_models"],
  },
  check(doc, { report }) {
    const imports = doc.imports.length > 0 ? `; imports ${doc.imports.slice(0, 12).join(", ")}` : "";
    report({ message: `Python source ${JSON.stringify(doc.name)} (module ${JSON.stringify(doc.module)}) runs with trust_remote_code=True when a config's auto_map names it${imports}` });
  },
});
