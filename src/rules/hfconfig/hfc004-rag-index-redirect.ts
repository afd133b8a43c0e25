import { lookup, walkConfig, type ConfigMap } from "../../formats/hf-config/config-tree.js";
import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { defineRule } from "../types.js";

/** RagRetriever's default dataset; it is on the Hub under both names. */
const CANONICAL_DATASETS: ReadonlySet<string> = new Set(["wiki_dpr", "facebook/wiki_dpr"]);

function isRagConfig(map: ConfigMap): boolean {
  const modelType = lookup(map, "model_type");
  return (modelType?.kind === "string" && modelType.value === "rag") || lookup(map, "retrieval_vector_size") !== undefined || lookup(map, "index_name") !== undefined;
}

export const hfc004 = defineRule<ConfigDocument>({
  meta: {
    id: "HFC004",
    slug: "rag-index-redirect",
    formats: ["hf-config"],
    title: "RAG config loads its retrieval index from elsewhere",
    description: "A RAG config sets `index_path` or `passages_path`, or a non-default `dataset`: RagRetriever then loads an index (pickled, for the legacy index) from another repository or path that the model's own scan never saw.",
    defaultSeverity: "critical",
    confidence: "medium",
    cwe: [829, 502],
    references: ["CVE-2023-6730", "https://huntr.com/bounties/423611ee-7a2a-442a-babb-3ed2f8385c16"],
  },
  check(doc, { report }) {
    for (const root of doc.roots) {
      for (const { node, path } of walkConfig(root)) {
        if (node.kind !== "map" || !isRagConfig(node)) continue;
        for (const key of ["index_path", "passages_path", "dataset"]) {
          const value = lookup(node, key);
          if (value?.kind !== "string" || value.value === "") continue;
          if (key === "dataset" && CANONICAL_DATASETS.has(value.value)) continue;
          const where = path === "" ? key : `${path}.${key}`;
          const indexName = lookup(node, "index_name");
          const hit = { message: `RAG retriever ${where} loads its index data from ${JSON.stringify(value.value)}`, evidence: `index_name: ${indexName?.kind === "string" ? indexName.value : "(unset)"}` };
          report(value.offset === undefined ? hit : { ...hit, offset: value.offset });
        }
      }
    }
  },
});
