import type { YamlDocument } from "../../formats/yaml-config/handler.js";
import { capped } from "../hfconfig/shared.js";
import { defineRule } from "../types.js";
import { isPythonConstructorTag, shortTag } from "./tags.js";

export const yml001 = defineRule<YamlDocument>({
  meta: {
    id: "YML001",
    slug: "yaml-python-tag",
    formats: ["yaml-config"],
    title: "YAML uses a Python object tag",
    description: "A `!!python/object`, `/object/new`, `/object/apply`, `!!python/name` or `!!python/module` tag: PyYAML's unsafe loaders (and `yaml.load` before 5.1) import and call what it names.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [502],
    references: ["CVE-2017-18342", "CVE-2020-14343", "CVE-2021-37678", "https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation"],
  },
  check(doc, ctx) {
    const report = capped(ctx);
    for (const t of doc.tags) {
      if (!isPythonConstructorTag(t.tag)) continue;
      const hit = { message: `YAML tag ${JSON.stringify(shortTag(t.tag))} at ${t.path || "the document root"} makes PyYAML's unsafe loaders import or call Python`, evidence: shortTag(t.tag) };
      report(t.offset === undefined ? hit : { ...hit, offset: t.offset });
    }
  },
});
