import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { shellIn } from "../hfconfig/string-signals.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS } from "./shared.js";

export const st011 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST011",
    slug: "metadata-shell-command",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors metadata holds a shell command",
    description: "A `__metadata__` value contains a shell command (`rm -rf`, `curl … | sh`, `wget`, `chmod`, a reverse shell) that a setup script or agent might run.",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [78],
    references: ["https://github.com/huggingface/safetensors#format"],
  },
  check(doc, { report }) {
    for (const m of doc.metadata) {
      const hit = shellIn(m.value);
      if (hit) report({ message: `Metadata value ${JSON.stringify(m.key)} holds a shell command that ${hit.what}`, evidence: hit.match, offset: m.offset });
    }
  },
});
