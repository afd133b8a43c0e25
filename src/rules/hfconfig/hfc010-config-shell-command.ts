import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { defineRule } from "../types.js";
import { CONFIG_FORMATS, capped, plainStrings } from "./shared.js";
import { shellIn } from "./string-signals.js";

export const hfc010 = defineRule<ConfigDocument>({
  meta: {
    id: "HFC010",
    slug: "config-shell-command",
    formats: CONFIG_FORMATS,
    title: "Config value holds a shell command",
    description: "A config value contains a shell command (`rm -rf`, `curl … | sh`, `wget`, `chmod`, a reverse shell) that a setup script, hook or agent might run.",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [78],
    references: ["https://cwe.mitre.org/data/definitions/78.html"],
  },
  check(doc, ctx) {
    const report = capped(ctx);
    for (const { node, path } of plainStrings(doc)) {
      const hit = shellIn(node.value);
      if (!hit) continue;
      const h = { message: `${path} holds a shell command that ${hit.what}`, evidence: hit.match };
      report(node.offset === undefined ? h : { ...h, offset: node.offset });
    }
  },
});
