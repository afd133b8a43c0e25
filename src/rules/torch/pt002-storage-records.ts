import type { TorchDocument } from "../../formats/torch/types.js";
import { defineRule } from "../types.js";
import { TORCH_FORMATS, at } from "./shared.js";

const CODES = new Set(["missing", "long", "extra", "key-conflict"]);

export const pt002 = defineRule<TorchDocument>({
  meta: {
    id: "PT002",
    slug: "pytorch-storage-records",
    formats: TORCH_FORMATS,
    title: "Storage records do not match the checkpoint's persistent ids",
    description:
      "A persistent id names a storage with no record, a record is larger than its storage or referenced by nobody, or one key is declared twice with different types: torch.save never writes this, so the file was edited or carries bytes torch never reads.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [20, 436],
    references: ["CVE-2026-24747"],
  },
  check(doc, { report }) {
    for (const p of doc.storageProblems) {
      if (!CODES.has(p.code)) continue;
      report({ message: p.message, ...(p.evidence ? { evidence: p.evidence } : {}), ...at(p.member, p.offset) });
    }
  },
});
