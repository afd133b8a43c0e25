import type { YamlDocument } from "../../formats/yaml-config/handler.js";
import { MAX_YAML_EXPANDED_NODES } from "../../formats/yaml-config/parse-yaml.js";
import { defineRule } from "../types.js";

export const yml003 = defineRule<YamlDocument>({
  meta: {
    id: "YML003",
    slug: "yaml-alias-bomb",
    formats: ["yaml-config"],
    title: "YAML aliases expand to a huge document",
    description: "Anchors and aliases nest so that the expanded document exceeds ten million nodes (\"billion laughs\"); loaders that expand aliases exhaust memory.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [776],
    references: ["https://en.wikipedia.org/wiki/Billion_laughs_attack"],
  },
  check(doc, { report }) {
    if (doc.expandedNodes <= MAX_YAML_EXPANDED_NODES) return;
    const size = doc.expandedNodes >= Number.MAX_SAFE_INTEGER ? "more than 2^53" : String(doc.expandedNodes);
    report({ message: `${doc.aliases} aliases expand the YAML to ${size} nodes; limit ${MAX_YAML_EXPANDED_NODES}` });
  },
});
