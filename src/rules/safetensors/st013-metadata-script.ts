import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { scriptIn } from "../hfconfig/string-signals.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS } from "./shared.js";

export const st013 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST013",
    slug: "metadata-script",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors metadata holds HTML script",
    description: "A `__metadata__` value carries `<script>`, `javascript:` URLs, iframes or event handlers, which run when a hub page, notebook or model card renders the metadata.",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [79],
    references: ["CVE-2024-27132", "GHSA-6749-m5cp-6cg7"],
  },
  check(doc, { report }) {
    for (const m of doc.metadata) {
      const hit = scriptIn(m.value);
      if (hit) report({ message: `Metadata value ${JSON.stringify(m.key)} ${hit.what}`, evidence: hit.match, offset: m.offset });
    }
  },
});
