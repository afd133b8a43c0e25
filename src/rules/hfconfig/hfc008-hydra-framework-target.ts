import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { defineRule } from "../types.js";
import { isFrameworkTarget, targetsIn } from "./hydra.js";
import { CONFIG_FORMATS, capped } from "./shared.js";

export const hfc008 = defineRule<ConfigDocument>({
  meta: {
    id: "HFC008",
    slug: "hydra-framework-target",
    formats: CONFIG_FORMATS,
    title: "Config instantiates a framework class",
    description: "A Hydra `_target_` or torchtune `_component_` names a class inside the framework allowlist; recorded so the instantiation surface of a config is visible.",
    defaultSeverity: "info",
    confidence: "high",
    cwe: [470],
    references: ["https://hydra.cc/docs/advanced/instantiate_objects/overview/"],
  },
  check(doc, ctx) {
    const report = capped(ctx);
    for (const ref of targetsIn(doc.roots)) {
      if (!isFrameworkTarget(ref.value)) continue;
      const hit = { message: `${ref.path} instantiates the framework class ${JSON.stringify(ref.value)}` };
      report(ref.offset === undefined ? hit : { ...hit, offset: ref.offset });
    }
  },
});
