import { classifyTfOp } from "../../formats/tensorflow/ops.js";
import type { TfOpsDocument } from "../../formats/tensorflow/types.js";
import { defineRule } from "../types.js";
import { TF_OP_FORMATS, runsWhen, sitesEvidence } from "./shared.js";

export const tf002 = defineRule<TfOpsDocument>({
  meta: {
    id: "TF002",
    slug: "tf-checkpoint-op",
    formats: TF_OP_FORMATS,
    title: "TensorFlow graph saves, restores or reads checkpoint and asset files",
    description: "The graph uses Save*/Restore*/MergeV2Checkpoints or reads lookup tables and vocabularies from files: normal in SavedModels for their own variables and assets, listed so a reviewer can see every file-touching op.",
    defaultSeverity: "low",
    confidence: "medium",
    cwe: [73],
    references: ["https://research.jfrog.com/model-threats/tensorflow-malicious-operators/"],
  },
  check(doc, { report }) {
    for (const use of doc.ops) {
      const c = classifyTfOp(use.op);
      if (c?.category !== "checkpoint") continue;
      report({
        message: `TensorFlow op ${use.op} ${c.does} (${use.count} use${use.count === 1 ? "" : "s"}); ${runsWhen(doc.format)}`,
        evidence: sitesEvidence(use),
        ...(use.sites[0] ? { offset: use.sites[0].offset } : {}),
      });
    }
  },
});
