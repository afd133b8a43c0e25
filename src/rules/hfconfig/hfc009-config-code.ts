import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { defineRule } from "../types.js";
import { CONFIG_FORMATS, capped, plainStrings } from "./shared.js";
import { codeIn } from "./string-signals.js";

export const hfc009 = defineRule<ConfigDocument>({
  meta: {
    id: "HFC009",
    slug: "config-code",
    formats: CONFIG_FORMATS,
    title: "Config value holds Python code",
    description: "A config value contains Python that imports os/subprocess, calls `__import__`, `eval`/`exec` or runs a command; configs carry settings, and code here is waiting for something to evaluate it.",
    defaultSeverity: "high",
    confidence: "medium",
    cwe: [94],
    references: ["https://jfrog.com/blog/jfrog-and-hugging-face-join-forces/"],
  },
  check(doc, ctx) {
    const report = capped(ctx);
    for (const { node, path } of plainStrings(doc)) {
      const hit = codeIn(node.value);
      if (!hit) continue;
      const h = { message: `${path} holds Python code that ${hit.what}`, evidence: hit.match };
      report(node.offset === undefined ? h : { ...h, offset: node.offset });
    }
  },
});
