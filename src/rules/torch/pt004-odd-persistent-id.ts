import type { TorchDocument } from "../../formats/torch/types.js";
import { defineRule } from "../types.js";
import { TORCH_FORMATS, at } from "./shared.js";

export const pt004 = defineRule<TorchDocument>({
  meta: {
    id: "PT004",
    slug: "pytorch-odd-persistent-id",
    formats: TORCH_FORMATS,
    title: "Persistent id is not a torch storage reference",
    description:
      "A BINPERSID/PERSID value is not ('storage', storage class, key, location, numel) (plus view metadata, or a ('module', …) id, in legacy files): a computed element count, a non-storage class, or a custom id that a loader's persistent_load would handle in its own way.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [502, 20],
    references: ["https://github.com/pytorch/pytorch/blob/v2.6.0/torch/_weights_only_unpickler.py"],
  },
  check(doc, { report }) {
    for (const odd of doc.oddIds) {
      report({ message: `Persistent id at offset ${odd.offset} is not a torch storage reference: ${odd.reason}`, evidence: odd.text, ...at(odd.pickle, odd.offset) });
    }
  },
});
