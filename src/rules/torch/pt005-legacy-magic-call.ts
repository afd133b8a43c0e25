import type { TorchDocument } from "../../formats/torch/types.js";
import { defineRule } from "../types.js";
import { TORCH_FORMATS, at } from "./shared.js";

export const pt005 = defineRule<TorchDocument>({
  meta: {
    id: "PT005",
    slug: "pytorch-legacy-magic-call",
    formats: TORCH_FORMATS,
    title: "Legacy checkpoint's magic number or version is computed, not written",
    description:
      "The first pickles of a legacy (non-zip) checkpoint must be the plain integers 0x1950a86a20f9469cfc6c and 1001. Here one imports or calls something to produce its value: torch.load runs that pickle before it checks the value, and scanners that trust the magic skipped such files (GHSA-97f8-7cmv-76j2).",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [693, 436, 502],
    references: ["https://github.com/mmaitre314/picklescan/security/advisories/GHSA-97f8-7cmv-76j2"],
  },
  check(doc, { report }) {
    for (const p of doc.layoutProblems) {
      if (p.code !== "magic-not-literal" && p.code !== "protocol-not-literal") continue;
      report({ message: p.message, ...(p.evidence ? { evidence: p.evidence } : {}), ...at(p.member, p.offset) });
    }
  },
});
