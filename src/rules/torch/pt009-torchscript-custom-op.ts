import type { TorchDocument } from "../../formats/torch/types.js";
import { defineRule } from "../types.js";

export const pt009 = defineRule<TorchDocument>({
  meta: {
    id: "PT009",
    slug: "torchscript-custom-op",
    formats: ["torchscript"],
    title: "TorchScript code calls operators or classes from a custom namespace",
    description:
      "The code uses torch.ops.<ns> or torch.classes.<ns> outside the namespaces torch and its companion libraries register: native code from whatever extension library the loading process has imported, which a model file should not depend on silently.",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [829, 94],
    references: ["https://pytorch.org/tutorials/advanced/torch_script_custom_ops.html"],
  },
  check(doc, { report }) {
    for (const hit of doc.torchscript?.customOps ?? []) {
      report({ message: `TorchScript code at ${hit.path}:${hit.line} uses ${hit.what}`, evidence: hit.text, member: hit.path });
    }
  },
});
