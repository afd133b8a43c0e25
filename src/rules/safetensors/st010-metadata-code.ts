import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { codeIn } from "../hfconfig/string-signals.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS } from "./shared.js";

export const st010 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST010",
    slug: "metadata-code",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors metadata holds Python code",
    description: "A `__metadata__` value contains Python that imports os/subprocess, calls `__import__`, `eval`/`exec` or runs a command: inert for the safetensors loader, a payload for any code that evaluates metadata.",
    defaultSeverity: "high",
    confidence: "medium",
    cwe: [94],
    references: ["https://jfrog.com/blog/jfrog-and-hugging-face-join-forces/", "CVE-2024-5565"],
  },
  check(doc, { report }) {
    for (const m of doc.metadata) {
      const hit = codeIn(m.value);
      if (hit) report({ message: `Metadata value ${JSON.stringify(m.key)} holds Python code that ${hit.what}`, evidence: hit.match, offset: m.offset });
    }
  },
});
