import type { TorchDocument } from "../../formats/torch/types.js";
import { defineRule } from "../types.js";
import { TORCH_FORMATS, at } from "./shared.js";

const CODES = new Set(["magic-mismatch", "missing-pickles", "keys-unreadable", "storage-unknown-type", "storage-truncated", "count-mismatch", "leftover", "tar-member-missing", "tar-member-link"]);

export const pt006 = defineRule<TorchDocument>({
  meta: {
    id: "PT006",
    slug: "pytorch-legacy-layout",
    formats: TORCH_FORMATS,
    title: "Legacy checkpoint layout is not what torch.save writes",
    description:
      "In a legacy (non-zip or tar) checkpoint, the raw storages do not follow the storage keys as torch.save writes them: data left over after the last storage, element counts that disagree with the persistent ids, unreadable key lists, missing tar members, or tar members that are links.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [436, 20],
    references: ["https://github.com/pytorch/pytorch/blob/v1.13.1/torch/serialization.py"],
  },
  check(doc, { report }) {
    for (const p of doc.layoutProblems) {
      if (!CODES.has(p.code)) continue;
      report({ message: p.message, ...(p.evidence ? { evidence: p.evidence } : {}), ...at(p.member, p.offset) });
    }
  },
});
