import type { OnnxDocument } from "../../formats/onnx/types.js";
import { STANDARD_ONNX_DOMAINS } from "../../formats/onnx/types.js";
import { defineRule } from "../types.js";
import { ONNX_FORMATS } from "./shared.js";

export const onnx003 = defineRule<OnnxDocument>({
  meta: {
    id: "ONNX003",
    slug: "onnx-custom-op-domain",
    formats: ONNX_FORMATS,
    title: "ONNX model uses custom operators that need native code",
    description: "A node (in the main graph, a subgraph or a function) uses an operator domain outside the ONNX and ONNX Runtime built-ins and not defined by a function in the model: it only runs with a native custom-op library the loader must register.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [829],
    references: ["https://onnxruntime.ai/docs/reference/operators/add-custom-op.html", "https://research.jfrog.com/model-threats/"],
  },
  check(doc, { report }) {
    for (const op of doc.ops) {
      if (op.localFunction || STANDARD_ONNX_DOMAINS.includes(op.domain)) continue;
      const first = op.sites[0];
      report({
        message: `ONNX operator ${JSON.stringify(op.opType)} in custom domain ${JSON.stringify(op.domain)} (${op.count} use${op.count === 1 ? "" : "s"}) needs a native custom-op library to run; loading such a library runs its code`,
        evidence: op.sites.map((s) => `${s.graph} > ${s.node}`).join("; "),
        ...(first ? { offset: first.offset } : {}),
      });
    }
  },
});
