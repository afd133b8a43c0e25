import { classifyTfOp } from "../../formats/tensorflow/ops.js";
import type { TfOpsDocument } from "../../formats/tensorflow/types.js";
import { defineRule } from "../types.js";
import { TF_OP_FORMATS, sitesEvidence } from "./shared.js";

export const tf003 = defineRule<TfOpsDocument>({
  meta: {
    id: "TF003",
    slug: "tf-nested-graph",
    formats: TF_OP_FORMATS,
    title: "TensorFlow graph carries another serialized graph",
    description: "A string constant, attribute or collection holds a whole serialized GraphDef, or the graph uses DatasetFromGraph, which runs such a string as a graph: the way ops were hidden from ModelScan 0.8.8.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [506, 693],
    references: ["https://research.jfrog.com/model-threats/tensorflow-malicious-operators/", "https://github.com/protectai/modelscan"],
  },
  check(doc, { report }) {
    if ("nestedGraphs" in doc) {
      for (const n of doc.nestedGraphs) {
        report({
          message: `A serialized TensorFlow graph of ${n.nodes} node(s) is hidden in ${n.where}: ${n.node} ${n.via}; modelvet decoded and scanned it, scanners that read only the outer graph miss its ops`,
          evidence: `${n.where}: ${n.node} ${n.via}`,
          offset: n.offset,
        });
      }
    }
    for (const use of doc.ops) {
      if (classifyTfOp(use.op)?.category !== "nested-graph") continue;
      report({
        message: `TensorFlow op ${use.op} runs a serialized GraphDef given as a string tensor (${use.count} use${use.count === 1 ? "" : "s"})`,
        evidence: sitesEvidence(use),
        ...(use.sites[0] ? { offset: use.sites[0].offset } : {}),
      });
    }
  },
});
