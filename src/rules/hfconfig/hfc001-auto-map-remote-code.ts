import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { defineRule } from "../types.js";
import { codeRefs, type CodeRef } from "./auto-map.js";

export const hfc001 = defineRule<ConfigDocument>({
  meta: {
    id: "HFC001",
    slug: "auto-map-remote-code",
    formats: ["hf-config"],
    title: "Config loads model code from the repository (trust_remote_code)",
    description: "`auto_map` or `custom_pipelines` names a Python module of this repository; `from_pretrained(..., trust_remote_code=True)` imports and runs it.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [94, 829],
    references: ["https://huggingface.co/docs/transformers/main/en/custom_models", "https://huggingface.co/docs/transformers/main/en/models#custom-models"],
  },
  check(doc, { report }) {
    const byModule = new Map<string, CodeRef[]>();
    for (const ref of codeRefs(doc.roots)) {
      if (ref.repo !== undefined) continue;
      byModule.set(ref.module, [...(byModule.get(ref.module) ?? []), ref]);
    }
    for (const [module, refs] of byModule) {
      const first = refs[0] as CodeRef;
      const uses = refs.map((r) => `${r.path} = ${r.reference}`).join("; ");
      const hit = { message: `Config runs ${JSON.stringify(`${module}.py`)} from this repository when loaded with trust_remote_code=True`, evidence: uses };
      report(first.offset === undefined ? hit : { ...hit, offset: first.offset });
    }
  },
});
