import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { FETCHED_KEY, urlIn } from "../hfconfig/string-signals.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS } from "./shared.js";

export const st012 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST012",
    slug: "metadata-remote-url",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors metadata points code at a remote URL",
    description: "A `__metadata__` key that names something to fetch or call (`*_url`, `callback`, `webhook`, `download`, `endpoint`) holds a URL: a redirect to content the file's hash does not cover.",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [829],
    references: ["https://github.com/huggingface/safetensors#format"],
  },
  check(doc, { report }) {
    for (const m of doc.metadata) {
      if (!FETCHED_KEY.test(m.key)) continue;
      const url = urlIn(m.value);
      if (url) report({ message: `Metadata key ${JSON.stringify(m.key)} points at ${JSON.stringify(url)}`, evidence: m.value.slice(0, 200), offset: m.offset });
    }
  },
});
