import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { defineRule } from "../types.js";
import { ABSOLUTE, CACHE_PATH, PROVENANCE_KEYS, pathLike } from "./paths.js";
import { capped, plainStrings, quote } from "./shared.js";

export const hfc006 = defineRule<ConfigDocument>({
  meta: {
    id: "HFC006",
    slug: "config-absolute-path",
    formats: ["hf-config"],
    title: "Config value is an absolute path",
    description: "A config value outside the provenance fields (`_name_or_path` and friends) is an absolute path, drive, UNC share or home-folder path, so loading reads from the loading machine instead of the repository.",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [73],
    references: ["CVE-2023-6730", "https://cwe.mitre.org/data/definitions/73.html"],
  },
  check(doc, ctx) {
    const report = capped(ctx);
    for (const { node, path, key } of plainStrings(doc)) {
      if (key !== undefined && PROVENANCE_KEYS.has(key)) continue;
      if (!pathLike(node.value) || !ABSOLUTE.test(node.value) || CACHE_PATH.test(node.value)) continue;
      const hit = { message: `${path} is an absolute path: ${quote(node.value)}`, evidence: node.value.slice(0, 200) };
      report(node.offset === undefined ? hit : { ...hit, offset: node.offset });
    }
  },
});
