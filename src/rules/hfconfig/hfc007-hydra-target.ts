import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { defineRule } from "../types.js";
import { denyNote, isFrameworkTarget, targetsIn } from "./hydra.js";
import { CONFIG_FORMATS, capped } from "./shared.js";

export const hfc007 = defineRule<ConfigDocument>({
  meta: {
    id: "HFC007",
    slug: "hydra-target",
    formats: CONFIG_FORMATS,
    title: "Config instantiates a callable outside the framework allowlist",
    description: "A Hydra `_target_` or torchtune `_component_` names a callable outside nemo, lightning, torch.optim, torch.nn, transformers, omegaconf, megatron and torchtune; `hydra.utils.instantiate` calls it with the sibling keys as arguments.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [470, 94],
    references: ["CVE-2025-23304", "CVE-2026-22584", "https://unit42.paloaltonetworks.com/rce-vulnerabilities-in-ai-python-libraries/"],
  },
  check(doc, ctx) {
    const report = capped(ctx);
    for (const ref of targetsIn(doc.roots)) {
      if (isFrameworkTarget(ref.value)) continue;
      const partial = ref.partial ? " (bound with _partial_, called later)" : "";
      const hit = { message: `${ref.path} instantiates ${JSON.stringify(ref.value)}, outside the framework allowlist${denyNote(ref.value, ctx.policy)}${partial}`, evidence: `${ref.key}: ${ref.value}` };
      report(ref.offset === undefined ? hit : { ...hit, offset: ref.offset });
    }
  },
});
