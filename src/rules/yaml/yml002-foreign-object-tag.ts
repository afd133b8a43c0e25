import type { YamlDocument } from "../../formats/yaml-config/handler.js";
import { capped } from "../hfconfig/shared.js";
import { defineRule } from "../types.js";
import { isForeignObjectTag, shortTag } from "./tags.js";

export const yml002 = defineRule<YamlDocument>({
  meta: {
    id: "YML002",
    slug: "yaml-foreign-object-tag",
    formats: ["yaml-config"],
    title: "YAML uses a language object tag",
    description: "A global tag outside the YAML core types (`!!javax.script.ScriptEngineManager`, `!!js/function`, `!ruby/object:`): Java (SnakeYAML), JavaScript and Ruby loaders build objects from such tags.",
    defaultSeverity: "high",
    confidence: "medium",
    cwe: [502],
    references: ["CVE-2022-1471", "https://yaml.org/type/"],
  },
  check(doc, ctx) {
    const report = capped(ctx);
    for (const t of doc.tags) {
      if (!isForeignObjectTag(t.tag)) continue;
      const hit = { message: `YAML tag ${JSON.stringify(shortTag(t.tag))} at ${t.path || "the document root"} asks a loader to construct an object`, evidence: shortTag(t.tag) };
      report(t.offset === undefined ? hit : { ...hit, offset: t.offset });
    }
  },
});
