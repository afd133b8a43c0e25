import type { TorchDocument } from "../../formats/torch/types.js";
import { defineRule } from "../types.js";
import { TORCH_FORMATS, at } from "./shared.js";

export const pt001 = defineRule<TorchDocument>({
  meta: {
    id: "PT001",
    slug: "pytorch-storage-short",
    formats: TORCH_FORMATS,
    title: "Tensor storage declares more elements than its record holds",
    description:
      "A storage persistent id declares numel × element size bytes but the data/<key> record is smaller: torch < 2.10 builds a storage larger than its buffer, the memory-corruption shape of CVE-2026-24747.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [787, 125, 130],
    references: ["CVE-2026-24747", "https://github.com/pytorch/pytorch/security/advisories/GHSA-63cw-57p8-fm3p"],
  },
  check(doc, { report }) {
    for (const p of doc.storageProblems) {
      if (p.code !== "short") continue;
      report({ message: p.message, ...(p.evidence ? { evidence: p.evidence } : {}), ...at(p.member, p.offset) });
    }
  },
});
