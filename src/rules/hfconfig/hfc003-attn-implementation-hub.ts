import { walkConfig, walkStrings } from "../../formats/hf-config/config-tree.js";
import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { defineRule } from "../types.js";

/** `_attn_implementation`, `_attn_implementation_internal`, `attn_implementation`, per-subconfig dicts. */
const ATTN_KEY = /^_?attn_implementation(?:_\w+)?$/;

export const hfc003 = defineRule<ConfigDocument>({
  meta: {
    id: "HFC003",
    slug: "attn-implementation-hub",
    formats: ["hf-config"],
    title: "Config selects an attention implementation from a Hub repository",
    description: "An `_attn_implementation*` value names a Hub repository (`org/name`); transformers before 5.3.0 downloads and runs that kernel code on `from_pretrained()` without `trust_remote_code`.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [829, 94],
    references: ["CVE-2026-4372", "GHSA-29pf-2h5f-8g72"],
  },
  check(doc, { report }) {
    for (const root of doc.roots) {
      for (const { node, key, path } of walkConfig(root)) {
        if (key === undefined || !ATTN_KEY.test(key)) continue;
        for (const s of walkStrings(node, path)) {
          if (!s.node.value.includes("/")) continue;
          const hit = { message: `${s.path} names the Hub repository ${JSON.stringify(s.node.value)}, whose code transformers < 5.3.0 runs on load`, evidence: s.node.value };
          report(s.node.offset === undefined ? hit : { ...hit, offset: s.node.offset });
        }
      }
    }
  },
});
