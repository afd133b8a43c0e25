import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { defineRule } from "../types.js";
import { codeRefs } from "./auto-map.js";

export const hfc002 = defineRule<ConfigDocument>({
  meta: {
    id: "HFC002",
    slug: "auto-map-cross-repo",
    formats: ["hf-config"],
    title: "Config loads model code from another Hub repository",
    description: "An `auto_map` entry of the form `other/repo--module.Class` makes `trust_remote_code=True` download and run code from a different repository, which can change after this one was reviewed.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [829, 94],
    references: ["https://huggingface.co/docs/transformers/main/en/custom_models#using-a-model-with-custom-code"],
  },
  check(doc, { report }) {
    const seen = new Set<string>();
    for (const ref of codeRefs(doc.roots)) {
      if (ref.repo === undefined || seen.has(`${ref.repo}--${ref.module}`)) continue;
      seen.add(`${ref.repo}--${ref.module}`);
      const hit = { message: `Config runs ${JSON.stringify(`${ref.module}.py`)} from the Hub repository ${JSON.stringify(ref.repo)} when loaded with trust_remote_code=True`, evidence: `${ref.path} = ${ref.reference}` };
      report(ref.offset === undefined ? hit : { ...hit, offset: ref.offset });
    }
  },
});
