import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { TARGET_KEYS, denyNote, isFrameworkTarget, targetsInText } from "../hfconfig/hydra.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS } from "./shared.js";

export const st014 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST014",
    slug: "metadata-hydra-target",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors metadata names a callable for Hydra to instantiate",
    description: "A `__metadata__` key or value holds a Hydra `_target_` (or torchtune `_component_`) outside the framework allowlist; libraries that rebuild models from safetensors metadata (FlexTok) instantiate it.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [470, 94],
    references: ["https://unit42.paloaltonetworks.com/rce-vulnerabilities-in-ai-python-libraries/", "CVE-2025-23304", "CVE-2026-22584"],
  },
  check(doc, { report, policy }) {
    for (const m of doc.metadata) {
      const refs = TARGET_KEYS.has(m.key) ? [{ key: m.key, value: m.value.trim() }] : targetsInText(m.value);
      for (const ref of refs) {
        if (isFrameworkTarget(ref.value)) continue;
        report({ message: `Metadata ${JSON.stringify(m.key)} sets ${ref.key} to ${JSON.stringify(ref.value)}, outside the framework allowlist${denyNote(ref.value, policy)}`, evidence: m.value.slice(0, 200), offset: m.offset });
      }
    }
  },
});
