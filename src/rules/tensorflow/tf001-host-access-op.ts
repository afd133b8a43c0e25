import { classifyTfOp, isFileStream } from "../../formats/tensorflow/ops.js";
import type { TfOpsDocument } from "../../formats/tensorflow/types.js";
import { defineRule } from "../types.js";
import { TF_OP_FORMATS, runsWhen, sitesEvidence } from "./shared.js";

const CATEGORIES = new Set(["file-read", "file-write", "python", "memory-map", "network"]);

export const tf001 = defineRule<TfOpsDocument>({
  meta: {
    id: "TF001",
    slug: "tf-host-access-op",
    formats: TF_OP_FORMATS,
    title: "TensorFlow graph reads or writes host files, calls Python or the network",
    description: "A graph, function, nested serialized graph or TFLite Flex op uses ReadFile, WriteFile, MatchingFiles, PyFunc/EagerPyFunc, ImmutableConst, RPC, summary/debug writers or PrintV2 to a file: the model touches the host, not just tensors.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [73, 94, 552],
    references: ["https://research.jfrog.com/model-threats/tensorflow-malicious-operators/", "https://github.com/tensorflow/tensorflow/blob/master/SECURITY.md"],
  },
  check(doc, { report }) {
    for (const use of doc.ops) {
      const c = classifyTfOp(use.op);
      if (!c || !CATEGORIES.has(c.category)) continue;
      report({
        message: `TensorFlow op ${use.op} ${c.does} (${use.count} use${use.count === 1 ? "" : "s"}); ${runsWhen(doc.format)}`,
        evidence: sitesEvidence(use),
        ...(use.sites[0] ? { offset: use.sites[0].offset } : {}),
      });
    }
    for (const p of doc.printTargets) {
      if (!isFileStream(p.target)) continue;
      report({
        message: `TensorFlow PrintV2 writes to ${JSON.stringify(p.target)}: a file on the host; ${runsWhen(doc.format)}`,
        evidence: `${p.where}: ${p.node}`,
        offset: p.offset,
      });
    }
  },
});
