import type { YamlDocument } from "../../formats/yaml-config/handler.js";
import { defineRule } from "../types.js";

export const yml004 = defineRule<YamlDocument>({
  meta: {
    id: "YML004",
    slug: "yaml-malformed",
    formats: ["yaml-config"],
    title: "YAML does not parse cleanly",
    description: "The YAML has syntax errors or nests too deeply to parse safely; PyYAML may read it differently, so only what did parse (and a search for Python tags) was checked.",
    defaultSeverity: "low",
    confidence: "high",
    cwe: [20],
    references: ["https://yaml.org/spec/1.1/"],
  },
  check(doc, { report }) {
    if (doc.errors.length === 0) return;
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : "";
    report({ message: `YAML ${doc.parsed ? "has errors" : "was not parsed"}: ${doc.errors[0] ?? ""}${more}` });
  },
});
