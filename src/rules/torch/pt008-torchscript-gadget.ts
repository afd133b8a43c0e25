import type { TorchDocument } from "../../formats/torch/types.js";
import { defineRule } from "../types.js";

export const pt008 = defineRule<TorchDocument>({
  meta: {
    id: "PT008",
    slug: "torchscript-gadget",
    formats: ["torchscript"],
    title: "TorchScript code reaches the file system, processes or other loaders",
    description:
      "TorchScript code calls torch.save / torch.from_file (real aten operators that write and map files), or names Python's os, subprocess, open, __import__, eval and the like, including inside type comments that torch < 1.13.1 evaluated (CVE-2022-45907).",
    defaultSeverity: "high",
    confidence: "medium",
    cwe: [94, 73, 95],
    references: ["CVE-2025-32434", "CVE-2022-45907", "https://github.com/pytorch/pytorch/security/advisories/GHSA-53q9-r3pm-6pq6"],
  },
  check(doc, { report }) {
    for (const hit of doc.torchscript?.gadgets ?? []) {
      report({ message: `TorchScript ${hit.typeComment ? "type comment" : "code"} at ${hit.path}:${hit.line}: ${hit.what}`, evidence: hit.text, member: hit.path });
    }
  },
});
