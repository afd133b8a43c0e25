import type { TorchDocument } from "../../formats/torch/types.js";
import { defineRule } from "../types.js";
import { TORCH_FORMATS, at } from "./shared.js";

export const pt003 = defineRule<TorchDocument>({
  meta: {
    id: "PT003",
    slug: "pytorch-tensor-mutation",
    formats: TORCH_FORMATS,
    title: "Pickle writes into a tensor or storage with SETITEM/APPEND",
    description:
      "The checkpoint's pickle applies SETITEM(S) or APPEND(S) to a rebuilt tensor or a storage. torch.save never does; torch < 2.10's weights_only unpickler allowed it, a heap-corruption primitive (CVE-2026-24747).",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [787, 502],
    references: ["CVE-2026-24747", "https://github.com/pytorch/pytorch/security/advisories/GHSA-63cw-57p8-fm3p"],
  },
  check(doc, { report }) {
    for (const m of doc.mutations) {
      report({ message: `${m.op} at offset ${m.offset} writes into ${m.target}`, evidence: `${m.op} on ${m.target}`, ...at(m.pickle, m.offset) });
    }
  },
});
