import type { TorchDocument } from "../../formats/torch/types.js";
import { defineRule } from "../types.js";

export const pt007 = defineRule<TorchDocument>({
  meta: {
    id: "PT007",
    slug: "torchscript-code",
    formats: ["torchscript"],
    title: "Archive carries TorchScript code that runs when it is loaded",
    description:
      "A TorchScript archive (constants.pkl, code/) is compiled on load, and its classes' __setstate__ methods run while it is unpickled. torch.load before 2.6 hands such archives to torch.jit.load even with weights_only=True (CVE-2025-32434).",
    defaultSeverity: "low",
    confidence: "high",
    cwe: [94, 693],
    references: ["CVE-2025-32434", "https://github.com/pytorch/pytorch/security/advisories/GHSA-53q9-r3pm-6pq6"],
  },
  check(doc, { report }) {
    const ts = doc.torchscript;
    if (!ts) return;
    const setstate = ts.setstate.map((s) => `${s.cls || "?"}.__setstate__ (${s.path}:${s.line})`);
    const runs = setstate.length > 0 ? `; ${setstate.length} __setstate__ method(s) run during loading` : "";
    report({
      message: `TorchScript archive with ${ts.codeFiles.length} code file(s)${runs}. torch.jit.load compiles it, and torch.load before 2.6 loads it this way even with weights_only=True (CVE-2025-32434)`,
      evidence: setstate.length > 0 ? setstate.slice(0, 5).join(", ") : ts.codeFiles.slice(0, 5).map((f) => f.path).join(", "),
    });
  },
});
