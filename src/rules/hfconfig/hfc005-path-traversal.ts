import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { defineRule } from "../types.js";
import { TRAVERSAL, pathLike } from "./paths.js";
import { capped, plainStrings, quote } from "./shared.js";

export const hfc005 = defineRule<ConfigDocument>({
  meta: {
    id: "HFC005",
    slug: "config-path-traversal",
    formats: ["hf-config"],
    title: "Config value climbs out of the model folder with ..",
    description: "A config value is a path with a `..` segment; loaders that join it to the model folder (tokenizer files, index paths, module files) read or write outside it.",
    defaultSeverity: "high",
    confidence: "medium",
    cwe: [22],
    references: ["CVE-2023-6730", "https://cwe.mitre.org/data/definitions/22.html"],
  },
  check(doc, ctx) {
    const report = capped(ctx);
    for (const { node, path } of plainStrings(doc)) {
      if (!pathLike(node.value) || !TRAVERSAL.test(node.value)) continue;
      const hit = { message: `${path} is a path that climbs out of the model folder: ${quote(node.value)}`, evidence: node.value.slice(0, 200) };
      report(node.offset === undefined ? hit : { ...hit, offset: node.offset });
    }
  },
});
